#Requires -Version 7.4
<#
.SYNOPSIS
    Inventory benchmark: Get-AutoModeNode on 5,000 generated Auto Mode nodes (sandbox --generate-nodes 5000, TLS),
    in a fresh pwsh, against the script a user writes today in the same run: kubectl get nodes, nodeclaims and pods
    with --chunk-size=500, aws ec2 describe-instances for the instance ids (1,000 per call), joined with
    ConvertFrom-Json. Medians of 3 alternating runs. Targets: ratio <= 1.0; API calls (Kubernetes + EC2 + EKS) at
    most ceil(N/500)x3 + ceil(N/1000) + 10; peak working set of the fresh pwsh under 300 MB.
    Skipped (with a line saying so) when kubectl or aws is not on PATH.
#>
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Sandbox.psm1') -Force
$kubectl = Get-Command kubectl -ErrorAction SilentlyContinue
$awsCli = Get-Command aws -ErrorAction SilentlyContinue
if (-not $kubectl -or -not $awsCli) { 'inventory: SKIPPED (kubectl and the aws CLI are needed for the baseline)'; return }
$nodes = 5000
$sb = Start-EksSandbox -Scenario automode -GenerateNodes $nodes -Tls -Seed 5
$tmp = Join-Path ([IO.Path]::GetTempPath()) ('eam-bench-inv-' + [guid]::NewGuid().ToString('n'))
New-Item -ItemType Directory $tmp | Out-Null
try {
    $kubeconfig = Join-Path $tmp 'kubeconfig'
    New-EksSandboxKubeconfig -Sandbox $sb -Path $kubeconfig -Auth Static
    Set-Content (Join-Path $tmp 'credentials') @('[bench]', "aws_access_key_id = $($sb.accessKeyId)", "aws_secret_access_key = $($sb.secretAccessKey)")
    $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $tmp 'credentials'
    $env:AWS_CONFIG_FILE = Join-Path $tmp 'config'
    $env:AWS_CA_BUNDLE = $sb.caPemPath
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    $pwsh = Join-Path $PSHOME 'pwsh.dll'

    # The user's script today: three kubectl lists, the EC2 facts, a join in PowerShell.
    $baselineScript = @"
`$ErrorActionPreference = 'Stop'
`$k = '$kubeconfig'
`$nodes = (kubectl --kubeconfig `$k get nodes -o json --chunk-size=500 | ConvertFrom-Json -Depth 64).items
`$claims = (kubectl --kubeconfig `$k get nodeclaims.karpenter.sh -o json --chunk-size=500 | ConvertFrom-Json -Depth 64).items
`$pods = (kubectl --kubeconfig `$k get pods -A -o json --chunk-size=500 | ConvertFrom-Json -Depth 64).items
`$ids = `$nodes | ForEach-Object { (`$_.spec.providerID -split '/')[-1] } | Where-Object { `$_ -like 'i-*' }
`$instances = @{}
for (`$i = 0; `$i -lt `$ids.Count; `$i += 1000) {
    `$batch = `$ids[`$i..([math]::Min(`$i + 999, `$ids.Count - 1))]
    (aws --profile bench --region us-west-2 --endpoint-url $($sb.awsEndpointUrl) ec2 describe-instances --instance-ids `$batch --output json | ConvertFrom-Json -Depth 64).Reservations.Instances | ForEach-Object { `$instances[`$_.InstanceId] = `$_ }
}
`$podCount = @{}; foreach (`$p in `$pods) { if (`$p.spec.nodeName -and `$p.status.phase -notin 'Succeeded','Failed') { `$podCount[`$p.spec.nodeName]++ } }
`$claimByNode = @{}; foreach (`$c in `$claims) { if (`$c.status.nodeName) { `$claimByNode[`$c.status.nodeName] = `$c } }
`$rows = foreach (`$n in `$nodes) {
    `$id = (`$n.spec.providerID -split '/')[-1]
    [pscustomobject]@{ Name = `$n.metadata.name; InstanceType = `$instances[`$id].InstanceType; Pool = `$n.metadata.labels.'karpenter.sh/nodepool'
        Pods = [int]`$podCount[`$n.metadata.name]; ExpireAfter = `$claimByNode[`$n.metadata.name].spec.expireAfter }
}
"rows=`$(`$rows.Count)"
"@
    $oursScript = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($env:EKSAUTOMODE_MODULE_PATH)'
`$n = Get-AutoModeNode -ClusterName automode-eks -Region us-west-2 -EndpointUrl $($sb.awsEndpointUrl) -AccessKey $($sb.accessKeyId) -SecretKey '$($sb.secretAccessKey)'
"rows=`$(`$n.Count) pods=`$((`$n | Measure-Object Pods -Sum).Sum) peak=`$([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64)"
"@
    $baselineFile = Join-Path $tmp 'baseline.ps1'; Set-Content $baselineFile $baselineScript
    $oursFile = Join-Path $tmp 'ours.ps1'; Set-Content $oursFile $oursScript
    function Measure-Run([string] $File) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = & dotnet $pwsh -NoProfile -NonInteractive -File $File 2>&1
        if ($LASTEXITCODE -ne 0) { throw "$File failed: $out" }
        [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; Out = ($out | Select-Object -Last 1) }
    }
    $median = { param($xs) $s = $xs | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }

    $null = Measure-Run $oursFile   # warm the OS file cache and the sandbox once
    $base = @(); $ours = @(); $calls = @(); $last = $null
    for ($i = 0; $i -lt 3; $i++) {
        $base += (Measure-Run $baselineFile).Ms
        Reset-EksSandboxRequestCount -Sandbox $sb
        $r = Measure-Run $oursFile
        $ours += $r.Ms; $last = $r.Out
        $all = Get-EksSandboxRequestCount -Sandbox $sb
        $calls += ($all.Keys | Where-Object { $_ -like 'k8s:*' -or $_ -like 'ec2:*' -or $_ -like 'eks:*' } | ForEach-Object { $all[$_] } | Measure-Object -Sum).Sum
    }
    $b = & $median $base; $m = & $median $ours
    $rows = if ($last -match 'rows=(\d+)') { [int]$Matches[1] } else { 0 }
    $pods = if ($last -match 'pods=(\d+)') { [int]$Matches[1] } else { 0 }
    $peak = if ($last -match 'peak=(\d+)') { [long]$Matches[1] } else { 0 }
    $bound = [math]::Ceiling($rows / 500) * 3 + [math]::Ceiling($rows / 1000) + 10
    $apiCalls = ($calls | Measure-Object -Maximum).Maximum
    'inventory: {0} nodes, {1} pods; kubectl+aws script median {2:N0} ms; Get-AutoModeNode (fresh pwsh) median {3:N0} ms; ratio {4:N2} (target <= 1.0: {5})' -f `
        $rows, $pods, $b, $m, ($m / $b), $(if ($m -le $b) { 'met' } else { 'NOT met' })
    'inventory: API calls {0} (bound ceil(N/500)x3 + ceil(N/1000) + 10 = {1}: {2}); peak working set {3:N0} MB (target < 300 MB: {4})' -f `
        $apiCalls, $bound, $(if ($apiCalls -le $bound) { 'met' } else { 'NOT met' }), ($peak / 1MB), $(if ($peak -lt 300MB) { 'met' } else { 'NOT met' })
}
finally {
    Stop-EksSandbox -Sandbox $sb
    Remove-Item -Recurse -Force $tmp -ErrorAction SilentlyContinue
}
