# Live cluster state through the AWS access core: Get-AutoModeCluster against the sandbox (simulated EKS on
# 127.0.0.1), with credentials resolved exactly as AWS.Tools would.
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Sandbox.psm1') -Force
$env:AWS_EC2_METADATA_DISABLED = 'true'
$sandbox = Start-EksSandbox -Scenario partial
try {
    # As in a runbook: credentials in the environment, the region from AWS_REGION.
    $env:AWS_ACCESS_KEY_ID = $sandbox.accessKeyId
    $env:AWS_SECRET_ACCESS_KEY = $sandbox.secretAccessKey
    $env:AWS_REGION = $sandbox.region

    Write-Host "> Get-AutoModeCluster -EndpointUrl $($sandbox.awsEndpointUrl)" -ForegroundColor Yellow
    Get-AutoModeCluster -EndpointUrl $sandbox.awsEndpointUrl | Format-Table -AutoSize Name, Version, Mode, BuiltInNodePools, UnknownNodePools | Out-Host

    Write-Host '> Get-AutoModeCluster -Name partial-eks, typo-pools | Format-List Name, Mode, Advice' -ForegroundColor Yellow
    Get-AutoModeCluster -EndpointUrl $sandbox.awsEndpointUrl -Name partial-eks, typo-pools | Format-List Name, Mode, Advice | Out-Host

    Write-Host "> Get-AutoModeCluster -Name typo-pools -Debug   # where credentials and region came from" -ForegroundColor Yellow
    Get-AutoModeCluster -EndpointUrl $sandbox.awsEndpointUrl -Name typo-pools -Debug 5>&1 |
        Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -match 'obtained from' } |
        ForEach-Object { "DEBUG: $($_.Message)" } | Out-Host

    Write-Host "> Get-AutoModeCluster -Name partial-eks   # with 2 injected throttling errors: retried with backoff" -ForegroundColor Yellow
    Set-EksSandboxFault -Sandbox $sandbox -Faults 'eks:DescribeCluster=throttle#2'
    Get-AutoModeCluster -EndpointUrl $sandbox.awsEndpointUrl -Name partial-eks -Verbose 4>&1 |
        ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { "VERBOSE: $($_.Message)" } else { "$($_.Name): $($_.Mode)" } } | Out-Host
}
finally {
    Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY, Env:AWS_REGION -ErrorAction SilentlyContinue
    Stop-EksSandbox -Sandbox $sandbox
}
