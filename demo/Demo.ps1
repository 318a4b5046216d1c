#Requires -Version 7.4
<#
.SYNOPSIS
    The EksAutoMode demo: runs every demo/NN-*.ps1 in order against the built module (embedded data and the
    sandbox). build.ps1 -Task Demo starts it in a fresh pwsh with EKSAUTOMODE_MODULE_PATH set.
#>
$ErrorActionPreference = 'Stop'
Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
$module = Get-Module EksAutoMode

# build.ps1 pipes this process's output, so the host is 80 columns wide and cannot be resized; render the steps'
# tables and lists at a readable width instead (steps call Out-Host; this wraps it for them).
function Out-Host {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] $InputObject)
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end { $items | Out-String -Width 150 -Stream | Microsoft.PowerShell.Core\Out-Host }
}
Write-Host "EksAutoMode $($module.Version) - $(@($module.ExportedCmdlets.Keys).Count) cmdlets" -ForegroundColor Green
foreach ($step in Get-ChildItem $PSScriptRoot -Filter '*.ps1' | Where-Object Name -Match '^\d\d-' | Sort-Object Name) {
    Write-Host ''
    Write-Host ('=' * 100) -ForegroundColor DarkGray
    Write-Host "  $($step.BaseName)" -ForegroundColor Cyan
    Write-Host ('=' * 100) -ForegroundColor DarkGray
    & $step.FullName | Out-Host
}
