# Live inventory against the sandbox's mixed fleet (Auto Mode, managed node group, self-managed, OSS Karpenter,
# Fargate): which nodes Auto Mode manages, what they cost, when they expire, and why a NodeClaim is stuck.
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Sandbox.psm1') -Force
$env:AWS_EC2_METADATA_DISABLED = 'true'
$mixed = Start-EksSandbox -Scenario mixed
$diagnosis = Start-EksSandbox -Scenario diagnosis
# The demo's prices from the sandbox's Price List go to a throw-away cache, never to the user's.
$savedCache = $env:EKSAUTOMODE_PRICE_CACHE
$env:EKSAUTOMODE_PRICE_CACHE = Join-Path ([IO.Path]::GetTempPath()) "eam-demo-cache-$PID.json"
try {
    $aws = @{ EndpointUrl = $mixed.awsEndpointUrl; Region = $mixed.region; AccessKey = $mixed.accessKeyId; SecretKey = $mixed.secretAccessKey }
    $null = Update-AutoModePriceCache @aws -Region $mixed.region -WarningAction SilentlyContinue

    Write-Host '> Get-AutoModeNode -ClusterName mixed-eks' -ForegroundColor Yellow
    Get-AutoModeNode @aws -ClusterName mixed-eks | Out-Host

    Write-Host '> Get-AutoModeNode -ClusterName mixed-eks -ComputeType AutoMode | Format-Table Name, NodePool, CapacityType, TimeToExpiry, Pods, MaxPods, HourlyPrice, FeeHourly' -ForegroundColor Yellow
    Get-AutoModeNode @aws -ClusterName mixed-eks -ComputeType AutoMode |
        Format-Table Name, NodePool, CapacityType, TimeToExpiry, Pods, MaxPods, HourlyPrice, FeeHourly -AutoSize | Out-Host

    Write-Host '> Get-AutoModeNode -ClusterName mixed-eks | Measure-AutoModeCost -Summary   # the fee only where Auto Mode launched the node' -ForegroundColor Yellow
    Get-AutoModeNode @aws -ClusterName mixed-eks | Measure-AutoModeCost -Summary -WarningAction SilentlyContinue | Out-Host

    Write-Host '> Get-AutoModeNodePool -ClusterName mixed-eks' -ForegroundColor Yellow
    Get-AutoModeNodePool @aws -ClusterName mixed-eks | Out-Host

    $d = @{ EndpointUrl = $diagnosis.awsEndpointUrl; Region = $diagnosis.region; AccessKey = $diagnosis.accessKeyId; SecretKey = $diagnosis.secretAccessKey }
    Write-Host '> Get-AutoModeNodeClaim -ClusterName diagnosis-eks | Where-Object Diagnosis | Format-List Name, NodePool, Diagnosis' -ForegroundColor Yellow
    Get-AutoModeNodeClaim @d -ClusterName diagnosis-eks | Where-Object Diagnosis | Select-Object -First 3 |
        Format-List Name, NodePool, @{ n = 'Diagnosis'; e = { $_.Diagnosis | ForEach-Object { "$($_.Code): $($_.Message)" } } } | Out-Host
}
finally {
    Remove-Item -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE -ErrorAction SilentlyContinue
    $env:EKSAUTOMODE_PRICE_CACHE = $savedCache
    Stop-EksSandbox -Sandbox $mixed
    Stop-EksSandbox -Sandbox $diagnosis
}
