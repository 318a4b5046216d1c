#Requires -Version 7.4
<#
.SYNOPSIS
    Regenerates docs/images/report-sample.png, the README's picture of Export-AutoModeReport: a report of the sandbox's
    automode scenario (collected by the report itself, prices from the sandbox's Price List API in a temporary cache),
    rendered by headless Chromium (tests/Pester/Chromium.psm1). Run through ./build.ps1 -Task Screenshot.
#>
[CmdletBinding()]
param(
    [string] $Destination = (Join-Path $PSScriptRoot '../docs/images/report-sample.png'),
    [int] $Height = 1900
)
$ErrorActionPreference = 'Stop'
Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Sandbox.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Chromium.psm1') -Force
$tmp = Join-Path ([IO.Path]::GetTempPath()) ('eam-screenshot-' + [guid]::NewGuid().ToString('n'))
New-Item -ItemType Directory $tmp | Out-Null
$savedCache = $env:EKSAUTOMODE_PRICE_CACHE
$env:EKSAUTOMODE_PRICE_CACHE = Join-Path $tmp 'prices.json'
$env:AWS_EC2_METADATA_DISABLED = 'true'
$sb = $null; $browser = $null
try {
    $sb = Start-EksSandbox -Scenario automode -Seed 16
    $aws = @{ Region = 'us-west-2'; EndpointUrl = $sb.awsEndpointUrl; AccessKey = $sb.accessKeyId; SecretKey = $sb.secretAccessKey }
    $null = Update-AutoModePriceCache -Region us-west-2 @aws
    $html = Join-Path $tmp 'report.html'
    $objects = @(Test-AutoModeIamRole -ClusterName automode-eks @aws)
    $objects | Export-AutoModeReport -ClusterName automode-eks @aws -Path $html -Ec2Discount 0.2 -Title 'automode-eks: EKS Auto Mode report (sandbox)'
    $browser = Start-HeadlessChromium
    $page = Open-CdpDocument -Browser $browser -Url ([Uri]::new($html, [UriKind]::Absolute).AbsoluteUri) -Width 1100 -Height 900
    $file = Save-CdpScreenshot -Page $page -Path ([IO.Path]::GetFullPath($Destination)) -MaxHeight $Height
    Close-CdpPage -Page $page
    "Wrote $($file.FullName) ($([math]::Round($file.Length / 1KB)) KB)"
}
finally {
    if ($browser) { Stop-HeadlessChromium -Browser $browser }
    if ($sb) { Stop-EksSandbox -Sandbox $sb }
    $env:EKSAUTOMODE_PRICE_CACHE = $savedCache
    Remove-Item -Recurse -Force $tmp -ErrorAction SilentlyContinue
}
