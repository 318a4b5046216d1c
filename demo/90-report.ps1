# The HTML report a scheduled runbook can write every night: fleet, cost (EC2 vs the Auto Mode fee), the expiry
# timeline and stuck NodeClaims of the sandbox's mixed fleet, plus validation findings piped in. One file, no network.
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Sandbox.psm1') -Force
$env:AWS_EC2_METADATA_DISABLED = 'true'
$sandbox = Start-EksSandbox -Scenario mixed
$savedCache = $env:EKSAUTOMODE_PRICE_CACHE
$env:EKSAUTOMODE_PRICE_CACHE = Join-Path ([IO.Path]::GetTempPath()) "eam-demo-cache-$PID.json"
try {
    $aws = @{ EndpointUrl = $sandbox.awsEndpointUrl; Region = $sandbox.region; AccessKey = $sandbox.accessKeyId; SecretKey = $sandbox.secretAccessKey }
    $null = Update-AutoModePriceCache @aws -Region $sandbox.region -WarningAction SilentlyContinue
    $path = Join-Path (Join-Path $PSScriptRoot '../out') 'demo-report.html'

    Write-Host "> Export-AutoModeReport -ClusterName mixed-eks -Path out/demo-report.html -Force -PassThru" -ForegroundColor Yellow
    Export-AutoModeReport @aws -ClusterName mixed-eks -Path $path -Force -PassThru | Format-Table Name, Length, LastWriteTime -AutoSize | Out-Host

    Write-Host "> Get-AutoModeNode mixed-eks, Test-AutoModeManifest ./examples | Export-AutoModeReport -Format Json -Path out/demo-report.json" -ForegroundColor Yellow
    $json = Join-Path (Join-Path $PSScriptRoot '../out') 'demo-report.json'
    @(Get-AutoModeNode @aws -ClusterName mixed-eks; Test-AutoModeManifest (Join-Path $PSScriptRoot '../examples/automode')) |
        Export-AutoModeReport -Format Json -Path $json -Force
    (Get-Content -Raw $json | ConvertFrom-Json).report.cost.totals | Format-List | Out-Host
    Write-Host "Open $([IO.Path]::GetFullPath($path)) in a browser."
}
finally {
    Remove-Item -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE -ErrorAction SilentlyContinue
    $env:EKSAUTOMODE_PRICE_CACHE = $savedCache
    Stop-EksSandbox -Sandbox $sandbox
}
