#Requires -Version 7.4
<#
.SYNOPSIS
    The EksAutoMode demo: runs every demo/NN-*.ps1 in order against the built module (embedded data and the
    sandbox). build.ps1 -Task Demo starts it in a fresh pwsh with EKSAUTOMODE_MODULE_PATH set.
#>
$ErrorActionPreference = 'Stop'
Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
$module = Get-Module EksAutoMode
Write-Host "EksAutoMode $($module.Version) - $(@($module.ExportedCmdlets.Keys).Count) cmdlets" -ForegroundColor Green
foreach ($step in Get-ChildItem $PSScriptRoot -Filter '*.ps1' | Where-Object Name -Match '^\d\d-' | Sort-Object Name) {
    Write-Host ''
    Write-Host ('=' * 100) -ForegroundColor DarkGray
    Write-Host "  $($step.BaseName)" -ForegroundColor Cyan
    Write-Host ('=' * 100) -ForegroundColor DarkGray
    & $step.FullName
}
