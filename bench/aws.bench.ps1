#Requires -Version 7.4
<#
.SYNOPSIS
    AWS access core benchmarks against the sandbox (loopback):
    1. Get-AutoModeCluster -Name (DescribeCluster + ListAddons + ListNodegroups, each SigV4-signed) against a
       baseline of three plain Invoke-RestMethod calls to the same sandbox, medians over 21 alternating runs.
    2. Stop latency (Ctrl+C): PowerShell.Stop() while DescribeCluster hangs for 30 s; median of 5 stops as a
       ratio of the 1 s target.
#>
$ErrorActionPreference = 'Stop'
Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Sandbox.psm1') -Force
$env:AWS_EC2_METADATA_DISABLED = 'true'
$sb = Start-EksSandbox -Scenario automode
try {
    $p = @{ EndpointUrl = $sb.awsEndpointUrl; Region = $sb.region; AccessKey = $sb.accessKeyId; SecretKey = $sb.secretAccessKey; Name = 'automode-eks' }
    $median = { param($xs) $s = $xs | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }
    $null = Get-AutoModeCluster @p; $null = Invoke-RestMethod "$($sb.adminUrl)/healthz" -NoProxy   # warm up
    $base = [Collections.Generic.List[double]]::new(); $ours = [Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt 21; $i++) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        1..3 | ForEach-Object { $null = Invoke-RestMethod "$($sb.adminUrl)/healthz" -NoProxy }
        $base.Add($sw.Elapsed.TotalMilliseconds)
        $sw.Restart()
        $null = Get-AutoModeCluster @p
        $ours.Add($sw.Elapsed.TotalMilliseconds)
    }
    $b = & $median $base; $o = & $median $ours
    'aws: baseline (3 unsigned Invoke-RestMethod) median {0:N1} ms; Get-AutoModeCluster -Name (3 signed calls) median {1:N1} ms; ratio {2:N2}' -f $b, $o, ($o / $b)

    Set-EksSandboxFault -Sandbox $sb -Faults 'eks:DescribeCluster=latency:30000'
    $stops = [Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt 5; $i++) {
        Reset-EksSandboxRequestCount -Sandbox $sb
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($m, $p) Import-Module $m; Get-AutoModeCluster @p').AddArgument($env:EKSAUTOMODE_MODULE_PATH).AddArgument($p)
        $h = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-EksSandboxRequestCount -Sandbox $sb -Operation 'eks:DescribeCluster') -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $stops.Add($sw.Elapsed.TotalMilliseconds)
        $ps.Dispose()
    }
    $s = & $median $stops
    'aws: stop (Ctrl+C) during a hung DescribeCluster median {0:N0} ms; ratio to the 1000 ms target {1:N3} ({2})' -f $s, ($s / 1000), $(if ($s -le 1000) { 'met' } else { 'NOT met' })
}
finally { Stop-EksSandbox -Sandbox $sb }
