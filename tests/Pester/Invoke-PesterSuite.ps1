#Requires -Version 7.4
<#
.SYNOPSIS
    Runs every tests/Pester/*.Tests.ps1 against the built module and writes a summary JSON for build.ps1.
    build.ps1 starts this in a fresh pwsh with EKSAUTOMODE_MODULE_PATH and EKSAUTOMODE_PESTER_PATH set.
#>
param(
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $Filter
)
$ErrorActionPreference = 'Stop'
if (-not $env:EKSAUTOMODE_PESTER_PATH -or -not (Test-Path $env:EKSAUTOMODE_PESTER_PATH)) {
    throw "Pester not found at '$env:EKSAUTOMODE_PESTER_PATH' (restore tests/Fixtures/Fixtures.csproj)."
}
Import-Module $env:EKSAUTOMODE_PESTER_PATH -Force

$files = Get-ChildItem $PSScriptRoot -Filter *.Tests.ps1 | Where-Object { -not $Filter -or $_.Name -match $Filter } | Sort-Object Name
$config = New-PesterConfiguration
$config.Run.Path = [string[]]$files.FullName
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Normal'
$config.Should.ErrorAction = 'Stop'
$result = Invoke-Pester -Configuration $config

[ordered]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -Encoding utf8NoBOM $SummaryPath
