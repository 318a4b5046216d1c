#Requires -Version 7.4
<#
.SYNOPSIS
    Regenerates the embedded Price List snapshot (src/EksAutoMode.Engine/Data/Pricing/price-list-snapshot.csv):
    EC2 Linux on-demand prices and the EKS Auto Mode fee for every commercial Region, in one command.

.DESCRIPTION
    For each Region (default: every Region in Data/Pricing/commercial-regions.csv) it runs the module's own
    Update-AutoModePriceCache against a throw-away price cache, so the snapshot is fetched by exactly the code
    users run: AmazonEC2 Linux/NA/Used/OnDemand (shared tenancy and bare metal) and AmazonEKS operation
    EKSAutoUsage with eksproducttype AutoMode, paged, from the Price List endpoint that serves the Region.
    Then it writes one CSV row per Region and instance type with the fetch time as as_of. Regions that fail (no
    access, no products published yet) keep the rows they had in the existing snapshot and are listed in the
    header as missing; the script exits 1 when any Region is missing, so CI notices.

    Nothing is estimated here: a type without a published fee has an empty fee_per_hour, and the module
    estimates it at run time with PriceSource = Estimated.

    Needs AWS credentials (any principal allowed pricing:GetProducts), the usual AWS.Tools resolution order
    (-ProfileName, -AccessKey/-SecretKey, environment, shared files). -EndpointUrl points every call at another
    endpoint (the sandbox in tests); then -OutputDirectory is required, so simulated prices can never overwrite
    the product's data.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Build; dotnet pwsh ./build/Update-PriceSnapshot.ps1 -ProfileName pricing-reader

.EXAMPLE
    ./build/Update-PriceSnapshot.ps1 -Region ap-northeast-1, eu-west-1 -EndpointUrl http://127.0.0.1:4566 -OutputDirectory ./tmp
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string[]] $Region,
    [string] $OutputDirectory,
    [string] $EndpointUrl,
    [string] $ProfileName,
    [string] $AccessKey,
    [string] $SecretKey,
    [string] $SessionToken,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/EksAutoMode/EksAutoMode.psd1')
)

$ErrorActionPreference = 'Stop'
$dataDirectory = Join-Path $PSScriptRoot '../src/EksAutoMode.Engine/Data/Pricing'
$fileName = 'price-list-snapshot.csv'
$columns = 'region', 'instance_type', 'currency', 'ec2_per_hour', 'fee_per_hour', 'as_of'

# AWS_ENDPOINT_URL_PRICING / AWS_ENDPOINT_URL redirect the Price List calls like -EndpointUrl (unless
# AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), so they need -OutputDirectory just the same.
$configuredEndpoint = $env:AWS_IGNORE_CONFIGURED_ENDPOINT_URLS -ne 'true' -and ($env:AWS_ENDPOINT_URL_PRICING -or $env:AWS_ENDPOINT_URL)
if (($EndpointUrl -or $configuredEndpoint) -and -not $OutputDirectory) {
    throw "-EndpointUrl, AWS_ENDPOINT_URL_PRICING or AWS_ENDPOINT_URL is set: pass -OutputDirectory too. Prices from another endpoint never go into $dataDirectory."
}
if (-not $OutputDirectory) { $OutputDirectory = $dataDirectory }
if (-not (Test-Path -LiteralPath $ModulePath)) {
    throw "The built module is missing at $ModulePath. Run 'dotnet pwsh ./build.ps1 -Task Build' first."
}

function Read-Table([string] $Path) {
    # Comment lines (#) first, then a header and rows; no quoting (the pricing data files never need it).
    $lines = @(Get-Content -LiteralPath $Path | Where-Object { $_ -and -not $_.StartsWith('#') })
    if ($lines.Count -eq 0) { return @() }
    $lines | ConvertFrom-Csv
}

if (-not $Region) {
    $Region = @(Read-Table (Join-Path $dataDirectory 'commercial-regions.csv')).region
}
$Region = @($Region | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim().ToLowerInvariant() } | Where-Object { $_ } | Select-Object -Unique)

$target = Join-Path $OutputDirectory $fileName
$previous = if (Test-Path -LiteralPath $target) { @(Read-Table $target) } elseif (Test-Path -LiteralPath (Join-Path $dataDirectory $fileName)) { @(Read-Table (Join-Path $dataDirectory $fileName)) } else { @() }

# Run the refresh in a child pwsh: the module loads its engine into its own load context, and the throw-away
# cache path must not leak into this session.
$cache = Join-Path ([IO.Path]::GetTempPath()) ("eam-snapshot-$PID-" + [guid]::NewGuid().ToString('n') + '.json')
$aws = @{}
foreach ($name in 'EndpointUrl', 'ProfileName', 'AccessKey', 'SecretKey', 'SessionToken') {
    $value = Get-Variable -Name $name -ValueOnly
    if ($value) { $aws[$name] = $value }
}
$fetched = [System.Collections.Generic.List[string]]::new()
$missing = [ordered]@{}
$endpoint = $null
try {
    $env:EKSAUTOMODE_PRICE_CACHE = $cache
    Import-Module $ModulePath -Force
    $i = 0
    foreach ($r in $Region) {
        $i++
        Write-Progress -Activity 'Updating the Price List snapshot' -Status $r -PercentComplete (100 * ($i - 1) / $Region.Count)
        if (-not $PSCmdlet.ShouldProcess($r, 'Fetch EC2 prices and Auto Mode fees')) { continue }
        $errors = $null
        $update = Update-AutoModePriceCache -Region $r @aws -ErrorVariable errors -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        if ($update) {
            $fetched.Add($r)
            $endpoint = $update.PricingEndpoint
            Write-Host ('{0,-16} {1,5} EC2 prices, {2,5} Auto Mode fees' -f $r, $update.Ec2PriceCount, $update.FeePriceCount)
        }
        else {
            $why = if ($errors) { $errors[0].Exception.Message } else { 'no answer' }
            $missing[$r] = $why
            Write-Warning "$r`: $why"
        }
    }
    Write-Progress -Activity 'Updating the Price List snapshot' -Completed
}
finally {
    Remove-Item Env:EKSAUTOMODE_PRICE_CACHE -ErrorAction SilentlyContinue
    Remove-Module EksAutoMode -ErrorAction SilentlyContinue
}

if ($fetched.Count -eq 0 -and $missing.Count -eq 0) { return } # -WhatIf

$rows = [System.Collections.Generic.List[string]]::new()
try {
    $doc = if (Test-Path -LiteralPath $cache) { Get-Content -Raw -LiteralPath $cache | ConvertFrom-Json -AsHashtable } else { @{ regions = @{} } }
}
finally {
    Remove-Item -LiteralPath $cache -ErrorAction SilentlyContinue
}
$inv = [System.Globalization.CultureInfo]::InvariantCulture
foreach ($r in $fetched) {
    $entry = $doc.regions[$r]
    $asOf = ([datetimeoffset]$entry.asOf).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", $inv)
    $types = @($entry.ec2.Keys) + @($entry.fee.Keys) | Sort-Object -Unique -CaseSensitive
    foreach ($t in $types) {
        $ec2 = if ($entry.ec2.ContainsKey($t)) { ([decimal]$entry.ec2[$t]).ToString('0.##########', $inv) } else { '' }
        $fee = if ($entry.fee.ContainsKey($t)) { ([decimal]$entry.fee[$t]).ToString('0.##########', $inv) } else { '' }
        $rows.Add("$r,$t,$($entry.currency),$ec2,$fee,$asOf")
    }
}
# Regions not refreshed this time keep their earlier rows (and their earlier as_of).
foreach ($old in $previous | Where-Object { $fetched -notcontains $_.region }) {
    $rows.Add(($columns | ForEach-Object { $old.$_ }) -join ',')
}
$ordered = $rows | Sort-Object -CaseSensitive
$allRegions = @($ordered | ForEach-Object { ($_ -split ',')[0] } | Select-Object -Unique)
$missingText = if ($missing.Count) { ($missing.Keys | ForEach-Object { $_ }) -join ', ' } else { 'none' }

$header = @(
    '# EC2 Linux on-demand prices and EKS Auto Mode fees per instance-hour for the commercial Regions, as the AWS Price'
    '# List Query API publishes them (GetProducts; AmazonEC2 Linux/NA/Used/OnDemand, shared tenancy plus bare metal;'
    '# AmazonEKS operation EKSAutoUsage, eksproducttype AutoMode). Empty price = not published for that Region.'
    '# Regenerate with: dotnet pwsh ./build/Update-PriceSnapshot.ps1   (needs AWS credentials; see DEVELOPING.md)'
    '# generator: build/Update-PriceSnapshot.ps1'
    "# source-url: $(if ($endpoint) { $endpoint } else { 'https://pricing.us-east-1.amazonaws.com' }) (AWS Price List Query API, GetProducts)"
    '# as-of: per row (column as_of, the UTC time the Region was fetched)'
    "# regions-fetched: $(if ($allRegions) { $allRegions -join ', ' } else { 'none' })"
    "# regions-missing: $missingText"
)
New-Item -ItemType Directory -Force -Path $OutputDirectory | Out-Null
$temp = Join-Path $OutputDirectory ".$fileName.$PID.tmp"
$content = ($header + ($columns -join ',') + $ordered) -join "`n"
[IO.File]::WriteAllText($temp, $content + "`n", [Text.UTF8Encoding]::new($false))
Move-Item -LiteralPath $temp -Destination $target -Force
Write-Host "Wrote $($ordered.Count) rows for $($allRegions.Count) Regions to $target (missing: $missingText)."
if ($missing.Count) { exit 1 }
