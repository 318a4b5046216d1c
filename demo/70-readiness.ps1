# Readiness of a standard cluster for Auto Mode, its IAM roles, and add-on support for the next Kubernetes
# version: the sandbox's readiness-hazard scenario has one of every hazard the checks know.
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Sandbox.psm1') -Force
$env:AWS_EC2_METADATA_DISABLED = 'true'
$sandbox = Start-EksSandbox -Scenario readiness-hazard
try {
    $aws = @{ EndpointUrl = $sandbox.awsEndpointUrl; Region = $sandbox.region; AccessKey = $sandbox.accessKeyId; SecretKey = $sandbox.secretAccessKey }
    $cluster = $sandbox.clusters[0].name

    Write-Host "> Test-AutoModeReadiness -ClusterName $cluster | Group-Object Status" -ForegroundColor Yellow
    $findings = @(Test-AutoModeReadiness @aws -ClusterName $cluster)
    $findings | Group-Object Status -NoElement | Sort-Object Name | Format-Table Count, Name -AutoSize | Out-Host

    Write-Host "> Test-AutoModeReadiness -ClusterName $cluster -Severity Blocker | Where-Object Status -eq Fail" -ForegroundColor Yellow
    $findings | Where-Object { $_.Severity -eq 'Blocker' -and $_.Status -eq 'Fail' } | Select-Object -First 8 | Out-Host

    Write-Host "> Test-AutoModeReadiness -ClusterName $cluster -Quiet   # a runbook's gate" -ForegroundColor Yellow
    Test-AutoModeReadiness @aws -ClusterName $cluster -Quiet | Out-Host

    Write-Host "> Test-AutoModeIamRole -ClusterName $cluster | Where-Object Status -ne Pass" -ForegroundColor Yellow
    Test-AutoModeIamRole @aws -ClusterName $cluster -WarningAction SilentlyContinue | Where-Object Status -NE 'Pass' | Out-Host

    Write-Host "> Get-AutoModeAddonSupport -ClusterName $cluster" -ForegroundColor Yellow
    Get-AutoModeAddonSupport @aws -ClusterName $cluster | Out-Host
}
finally {
    Stop-EksSandbox -Sandbox $sandbox
}
