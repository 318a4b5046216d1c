#Requires -Version 7.4
<#
.SYNOPSIS
    Report benchmark: Export-AutoModeReport on 5,000 generated Auto Mode nodes (sandbox --generate-nodes 5000).
    Figures (medians of 3 runs, one fresh pwsh): collecting the objects (Get-AutoModeNode, -NodePool, -NodeClaim);
    writing the HTML and the JSON report from those objects; the report collecting the cluster itself, against
    collecting the objects. Targets: writing takes under 3 s more than collecting; the HTML stays under 5 MB.
    Printed, not asserted.
#>
$ErrorActionPreference = 'Stop'
Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Sandbox.psm1') -Force
$nodeCount = 5000
$tmp = Join-Path ([IO.Path]::GetTempPath()) ('eam-bench-report-' + [guid]::NewGuid().ToString('n'))
New-Item -ItemType Directory $tmp | Out-Null
$savedCache = $env:EKSAUTOMODE_PRICE_CACHE
$env:EKSAUTOMODE_PRICE_CACHE = Join-Path $tmp 'prices.json'
$env:AWS_EC2_METADATA_DISABLED = 'true'
$sb = Start-EksSandbox -Scenario automode -GenerateNodes $nodeCount -Seed 5
try {
    $aws = @{ ClusterName = 'automode-eks'; Region = 'us-west-2'; EndpointUrl = $sb.awsEndpointUrl; AccessKey = $sb.accessKeyId; SecretKey = $sb.secretAccessKey }
    $null = Update-AutoModePriceCache -Region us-west-2 -EndpointUrl $sb.awsEndpointUrl -AccessKey $sb.accessKeyId -SecretKey $sb.secretAccessKey
    $median = { param($xs) $s = @($xs | Sort-Object); $s[[int][math]::Floor($s.Count / 2)] }
    $html = Join-Path $tmp 'report.html'; $json = Join-Path $tmp 'report.json'; $self = Join-Path $tmp 'self.html'

    $objects = @(Get-AutoModeNode @aws; Get-AutoModeNodePool @aws; Get-AutoModeNodeClaim @aws)   # warm-up
    $collect = @(); $writeHtml = @(); $writeJson = @(); $selfMs = @()
    for ($i = 0; $i -lt 3; $i++) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $objects = @(Get-AutoModeNode @aws; Get-AutoModeNodePool @aws; Get-AutoModeNodeClaim @aws)
        $collect += $sw.Elapsed.TotalMilliseconds

        $sw.Restart(); $objects | Export-AutoModeReport -Path $html -Force; $writeHtml += $sw.Elapsed.TotalMilliseconds
        $sw.Restart(); $objects | Export-AutoModeReport -Path $json -Format Json -Force; $writeJson += $sw.Elapsed.TotalMilliseconds
        $sw.Restart(); Export-AutoModeReport @aws -Path $self -Force; $selfMs += $sw.Elapsed.TotalMilliseconds
    }
    $nodes = @($objects | Where-Object { $_ -is [EksAutoMode.AutoModeNode] }).Count
    $c = & $median $collect; $h = & $median $writeHtml; $j = & $median $writeJson; $s = & $median $selfMs
    $htmlSize = (Get-Item $html).Length; $jsonSize = (Get-Item $json).Length; $selfSize = (Get-Item $self).Length
    'report: {0:N0} nodes, {1:N0} objects; collecting them (Get-AutoModeNode/-NodePool/-NodeClaim) median {2:N0} ms' -f $nodes, $objects.Count, $c
    'report: writing from the objects: HTML median {0:N0} ms, JSON median {1:N0} ms (target: under 3,000 ms more than collecting: {2})' -f `
        $h, $j, $(if ([math]::Max($h, $j) -lt 3000) { 'met' } else { 'NOT met' })
    'report: collecting itself (-ClusterName) median {0:N0} ms = collecting the objects + {1:N0} ms (ratio {2:N2}; target +3,000 ms: {3})' -f `
        $s, ($s - $c), ($s / $c), $(if (($s - $c) -lt 3000) { 'met' } else { 'NOT met' })
    'report: HTML {0:N2} MB (self-collected {1:N2} MB; target < 5 MB: {2}); JSON {3:N2} MB' -f ($htmlSize / 1MB), ($selfSize / 1MB), $(if ([math]::Max($htmlSize, $selfSize) -lt 5MB) { 'met' } else { 'NOT met' }), ($jsonSize / 1MB)
}
finally {
    Stop-EksSandbox -Sandbox $sb
    $env:EKSAUTOMODE_PRICE_CACHE = $savedCache
    Remove-Item -Recurse -Force $tmp -ErrorAction SilentlyContinue
}
