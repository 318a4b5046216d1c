# Runbook operations on an Auto Mode cluster (the sandbox's controllers drain, terminate and relaunch nodes the way
# Auto Mode does, with short steps here): the nightly stop of a pool and a node rotation in a chosen window.
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Sandbox.psm1') -Force
$env:AWS_EC2_METADATA_DISABLED = 'true'
$sandbox = Start-EksSandbox -Scenario automode -ControllerSteps 'drain=1s,terminate=1s,launch=1s,ready=1s,podStart=500ms'
try {
    $aws = @{ EndpointUrl = $sandbox.awsEndpointUrl; Region = $sandbox.region; AccessKey = $sandbox.accessKeyId; SecretKey = $sandbox.secretAccessKey }
    $cluster = $sandbox.clusters[0].name

    Write-Host "> Get-AutoModeNodePool -ClusterName $cluster" -ForegroundColor Yellow
    Get-AutoModeNodePool @aws -ClusterName $cluster | Out-Host

    Write-Host "> Suspend-AutoModeNodePool -ClusterName $cluster -Name spot-pool -Wait -Confirm:`$false   # nightly stop" -ForegroundColor Yellow
    Suspend-AutoModeNodePool @aws -ClusterName $cluster -Name spot-pool -Wait -Timeout 00:02:00 -Confirm:$false | Format-List | Out-Host

    Write-Host "> Resume-AutoModeNodePool -ClusterName $cluster -Name spot-pool -Confirm:`$false   # morning: the recorded limits come back" -ForegroundColor Yellow
    Resume-AutoModeNodePool @aws -ClusterName $cluster -Name spot-pool -Confirm:$false | Format-List | Out-Host

    Write-Host "> Invoke-AutoModeNodeRotation -ClusterName $cluster -NodePool general-purpose -OlderThan 1.00:00:00 -WhatIf" -ForegroundColor Yellow
    Invoke-AutoModeNodeRotation @aws -ClusterName $cluster -NodePool general-purpose -OlderThan 1.00:00:00 -WhatIf

    Write-Host "> Invoke-AutoModeNodeRotation -ClusterName $cluster -NodePool general-purpose -OlderThan 1.00:00:00 -Confirm:`$false   # one node at a time" -ForegroundColor Yellow
    Invoke-AutoModeNodeRotation @aws -ClusterName $cluster -NodePool general-purpose -OlderThan 1.00:00:00 -Timeout 00:03:00 -Confirm:$false | Out-Host
}
finally {
    Stop-EksSandbox -Sandbox $sandbox
}
