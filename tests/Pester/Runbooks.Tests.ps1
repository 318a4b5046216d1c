# The runbook samples in examples/runbooks: every PowerShell file parses, and each sample runs unattended
# (fresh pwsh -NonInteractive, no prompt) against the sandbox, reaching the cluster by name through EKS
# (AWS credentials and AWS_ENDPOINT_URL in the environment, as a runbook host would provide).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:sandboxMissing = $false
    try { $null = Get-EksSandboxPath } catch { $script:sandboxMissing = $true }
    $script:scriptCases = @(Get-ChildItem (Join-Path $PSScriptRoot '../../examples/runbooks') -Filter *.ps1 | ForEach-Object { @{ Path = $_.FullName; Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Common.psm1') -Force
    $script:dir = Resolve-Path (Join-Path $PSScriptRoot '../../examples/runbooks')
    $script:module = Get-TestModulePath
    $script:sb = Start-EksSandbox -Scenario automode -ControllerSteps 'drain=500ms,terminate=500ms,launch=500ms,ready=500ms,podStart=300ms'
    $script:saved = @{}
    $vars = @{
        AWS_ACCESS_KEY_ID = $sb.accessKeyId; AWS_SECRET_ACCESS_KEY = $sb.secretAccessKey; AWS_SESSION_TOKEN = $null
        AWS_ENDPOINT_URL = $sb.awsEndpointUrl; AWS_REGION = $sb.region; AWS_PROFILE = $null; AWS_EC2_METADATA_DISABLED = 'true'
        IDENTITY_ENDPOINT = $null; PSModulePath = (Split-Path (Split-Path $module)) + [IO.Path]::PathSeparator + $env:PSModulePath
    }
    foreach ($k in $vars.Keys) { $script:saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
    function Get-PoolLimits { (Invoke-RestMethod -Uri "$($sb.kubernetesUrl)/apis/karpenter.sh/v1/nodepools/spot-pool" -Headers @{ Authorization = "Bearer $($sb.staticToken)" }) }
    function Get-ClaimCount { @((Invoke-RestMethod -Uri "$($sb.kubernetesUrl)/apis/karpenter.sh/v1/nodeclaims?labelSelector=karpenter.sh%2Fnodepool%3Dspot-pool" -Headers @{ Authorization = "Bearer $($sb.staticToken)" }).items).Count }
}

AfterAll {
    if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
    foreach ($k in $script:saved.Keys) { [Environment]::SetEnvironmentVariable($k, $script:saved[$k]) }
}

Describe 'Runbook sample <Name>' -ForEach $scriptCases {
    It 'parses without errors' {
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$errors)
        $errors | Should -BeNullOrEmpty
    }
}

Describe 'Runbook samples against the sandbox' -Skip:$sandboxMissing {
    It 'cron/systemd script: Stop empties the pool, Start restores its limits; exit code 0, no prompt' {
        $stop = Invoke-FreshPwsh "& '$dir/Invoke-NodePoolSchedule.ps1' -Action Stop -ClusterName automode-eks -Region us-west-2 -NodePool spot-pool -Timeout 00:01:00 -ModulePath '$module' | ForEach-Object { 'ACTION=' + `$_.Action }; 'EXIT=' + `$LASTEXITCODE"
        $stop.Output | Should -Contain 'ACTION=Suspended'
        $stop.Error | Should -BeNullOrEmpty
        Get-ClaimCount | Should -Be 0
        (Get-PoolLimits).spec.limits.cpu | Should -Be '0'
        $start = Invoke-FreshPwsh "& '$dir/Invoke-NodePoolSchedule.ps1' -Action Start -ClusterName automode-eks -Region us-west-2 -NodePool spot-pool -ModulePath '$module' | ForEach-Object { 'ACTION=' + `$_.Action }"
        $start.Output | Should -Contain 'ACTION=Resumed'
        (Get-PoolLimits).spec.limits.cpu | Should -Be '64'
    }

    It 'cron/systemd script exits 1 and names the pool when it fails' {
        $r = Invoke-FreshPwsh "& '$dir/Invoke-NodePoolSchedule.ps1' -Action Start -ClusterName automode-eks -Region us-west-2 -NodePool spot-pool -ModulePath '$module' | ForEach-Object { 'RESULT=' + `$_.NodePool + '|' + `$_.ErrorId }; 'EXIT=' + `$LASTEXITCODE"
        $r.Output | Should -Contain 'EXIT=1'
        $r.Output | Should -Contain 'RESULT=spot-pool|NodePoolNotSuspended,EksAutoMode.Commands.ResumeAutoModeNodePoolCommand'
    }

    It 'Azure Automation runbook (ambient credentials outside Azure): Stop, then Start' {
        $r = Invoke-FreshPwsh "& '$dir/AzureAutomation-NodePoolSchedule.ps1' -Action Stop -ClusterName automode-eks -Region us-west-2 -NodePool spot-pool -TimeoutMinutes 1 | ForEach-Object { 'ACTION=' + `$_.Action }"
        $r.Output | Should -Contain 'ACTION=Suspended'
        $r.ExitCode | Should -Be 0
        $r = Invoke-FreshPwsh "& '$dir/AzureAutomation-NodePoolSchedule.ps1' -Action Start -ClusterName automode-eks -Region us-west-2 -NodePool spot-pool | ForEach-Object { 'ACTION=' + `$_.Action }"
        $r.Output | Should -Contain 'ACTION=Resumed'
        (Get-PoolLimits).metadata.annotations.'eksautomode.io/suspended' | Should -BeNullOrEmpty
    }

    It 'fleet fan-out: one result per cluster, a failing cluster does not stop the others' {
        $r = Invoke-FreshPwsh @"
`$fleet = @(
    [pscustomobject]@{ ClusterName = 'automode-eks'; Region = 'us-west-2'; NodePool = 'spot-pool' },
    [pscustomobject]@{ ClusterName = 'ghost-eks'; Region = 'us-west-2'; NodePool = 'spot-pool' }
)
& '$dir/Invoke-FleetNodePoolSchedule.ps1' -Action Stop -Fleet `$fleet -Timeout 00:01:00 -ModulePath '$module' |
    Sort-Object Cluster | ForEach-Object { "`$(`$_.Cluster)=`$(`$_.Status)|`$(@(`$_.Pools).Action)|`$(`$_.Error)" }
"@ -TimeoutSeconds 180
        $r.Output | Should -HaveCount 2
        $r.Output[0] | Should -BeLike 'automode-eks=Succeeded|Suspended|'
        $r.Output[1] | Should -Match '^ghost-eks=Failed\|\|.*ghost-eks'
        Get-ClaimCount | Should -Be 0
    }

    It 'SSM Automation document: declares PowerShell 7.4 and its script runs with the input payload' {
        $doc = Get-Content -Raw "$dir/ssm-nodepool-schedule.yaml"
        $doc | Should -Match "schemaVersion: '0.3'"
        $doc | Should -Match 'action: aws:executeScript'
        $doc | Should -Match 'Runtime: PowerShell 7.4'
        # The inline script: the block under "Script: |-", de-indented.
        $lines = $doc -split "`n"
        $start = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^\s+Script: \|-' })
        $indent = ($lines[$start + 1] -replace '^(\s+).*', '$1').Length
        $body = @($lines[($start + 1)..($lines.Count - 1)] | ForEach-Object { $_ } | Select-Object -First ([array]::FindIndex($lines[($start + 1)..($lines.Count - 1)], [Predicate[string]] { param($l) $l.Trim() -and ($l.Length - $l.TrimStart().Length) -lt $indent })))
        $script = ($body | ForEach-Object { if ($_.Length -ge $indent) { $_.Substring($indent) } else { $_.Trim() } }) -join "`n"
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseInput($script, [ref]$null, [ref]$errors)
        $errors | Should -BeNullOrEmpty
        $file = Join-Path ([IO.Path]::GetTempPath()) ("eam-ssm-" + [guid]::NewGuid().ToString('n') + '.ps1')
        Set-Content $file $script
        try {
            $env:InputPayload = (@{ Action = 'Start'; ClusterName = 'automode-eks'; NodePools = @('spot-pool'); OlderThanDays = 14; TimeoutMinutes = 1 } | ConvertTo-Json -Compress)
            $r = Invoke-FreshPwsh "Set-Location '$(Split-Path (Split-Path $module))'; & '$file'"
        }
        finally { Remove-Item $file; $env:InputPayload = $null }
        $r.Error | Should -BeNullOrEmpty
        ($r.Output -join '' | ConvertFrom-Json).Results[0].Action | Should -Be 'Resumed'
    }
}
