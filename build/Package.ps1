#Requires -Version 7.4
<#
.SYNOPSIS
    Packs out/EksAutoMode into a .nupkg with PSResourceGet and proves that Install-PSResource can install it
    from a local repository. The proof runs in a child pwsh whose PSResourceGet settings and user module path
    live in a temporary folder (XDG_DATA_HOME), so the developer's own repositories are never touched.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DestinationPath
)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet
Compress-PSResource -Path $ModulePath -DestinationPath $DestinationPath
$package = Get-ChildItem $DestinationPath -Filter 'EksAutoMode.*.nupkg' | Select-Object -First 1
if (-not $package) { throw 'Compress-PSResource produced no EksAutoMode .nupkg.' }

$sandbox = Join-Path ([IO.Path]::GetTempPath()) ('eam-pkg-' + [guid]::NewGuid().ToString('n'))
New-Item -ItemType Directory $sandbox | Out-Null
$verify = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name EksAutoModeLocal -Uri '$DestinationPath' -Trusted
Install-PSResource -Name EksAutoMode -Repository EksAutoModeLocal -Scope CurrentUser -TrustRepository -Quiet
`$installed = Get-InstalledPSResource -Name EksAutoMode
Import-Module (Join-Path `$installed.InstalledLocation 'EksAutoMode')
`$n = @(Get-AutoModeDifference -Area Cost).Count
if (`$n -lt 1) { throw 'The installed module returned no facts.' }
"Installed EksAutoMode `$(`$installed.Version) from the local repository; Get-AutoModeDifference -Area Cost returned `$n facts."
"@
try {
    $saved = $env:XDG_DATA_HOME
    $env:XDG_DATA_HOME = $sandbox
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $verify
    if ($LASTEXITCODE -ne 0) { throw "Installing the package from a local repository failed (exit code $LASTEXITCODE)." }
}
finally {
    $env:XDG_DATA_HOME = $saved
    Remove-Item -Recurse -Force $sandbox -ErrorAction SilentlyContinue
}
Write-Host "Package: $($package.FullName)"
