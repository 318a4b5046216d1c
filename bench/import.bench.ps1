#Requires -Version 7.4
<#
.SYNOPSIS
    Cold-start benchmark, medians over alternating runs of fresh processes:
    1. import: `pwsh -c "Import-Module <out>/EksAutoMode"` against `pwsh -c exit` (target: at most +150 ms);
    2. first verdict: `pwsh -c "Import-Module ...; Test-AutoModeManifest -Path <small folder>"` against the bare
       Import-Module of the same run, as a ratio (target: at most 1.25x), for the module as built (on Linux x64 with
       .NET 10 it loads the ahead-of-time images in Dependencies/net10.0-linux-x64/) and for the portable layout
       every other platform and runtime loads (the same module without native-image folders, IL only).
    Prints its own lines; never fails on timing.
#>
param(
    [int] $Runs = 11,
    [string] $ModulePath = $env:EKSAUTOMODE_MODULE_PATH,
    [string] $ManifestFolder = (Join-Path $PSScriptRoot '../examples/automode')
)
$ErrorActionPreference = 'Stop'
if (-not $ModulePath) { $ModulePath = Join-Path $PSScriptRoot '../out/EksAutoMode/EksAutoMode.psd1' }
$ModulePath = (Resolve-Path $ModulePath).Path
$pwsh = Join-Path $PSHOME 'pwsh.dll'
function Measure-Cold([string] $Command) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & dotnet $pwsh -NoProfile -NonInteractive -Command $Command | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "pwsh -c '$Command' failed." }
    return $sw.Elapsed.TotalMilliseconds
}

# The portable layout: a copy of the module without Dependencies/<framework>-<rid>/ folders.
$portableRoot = Join-Path ([IO.Path]::GetTempPath()) ('eam-bench-' + [guid]::NewGuid().ToString('n'))
$portable = Join-Path $portableRoot 'EksAutoMode'
Copy-Item -Recurse (Split-Path $ModulePath) $portable
$nativeFolders = @(Get-ChildItem (Join-Path $portable 'Dependencies') -Directory)
$nativeFolders | Remove-Item -Recurse -Force
$portablePath = Join-Path $portable (Split-Path $ModulePath -Leaf)

try {
    $layouts = [ordered]@{ 'as built' = $ModulePath; 'portable IL' = $portablePath }
    $commands = @{ exit = 'exit' }
    foreach ($name in $layouts.Keys) {
        $commands["import $name"] = "Import-Module '$($layouts[$name])'"
        # -Quiet returns one verdict for the folder: the first answer a CI step waits for.
        $commands["verdict $name"] = "Import-Module '$($layouts[$name])'; `$null = Test-AutoModeManifest -LiteralPath '$ManifestFolder' -Quiet"
    }
    $times = @{}
    foreach ($key in $commands.Keys) { $times[$key] = [Collections.Generic.List[double]]::new(); $null = Measure-Cold $commands[$key] }   # warm the OS file cache once
    for ($i = 0; $i -lt $Runs; $i++) {
        foreach ($key in $commands.Keys | Sort-Object) { $times[$key].Add((Measure-Cold $commands[$key])) }
    }
    $median = { param($xs) $s = $xs | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }
    $b = & $median $times['exit']
    $native = if ($nativeFolders) { 'native images: ' + (($nativeFolders.Name) -join ', ') } else { 'no native images' }
    foreach ($name in $layouts.Keys) {
        $m = & $median $times["import $name"]; $v = & $median $times["verdict $name"]
        $delta = $m - $b
        $what = if ($name -eq 'as built') { "as built, $native" } else { $name }
        'import ({0}): baseline (pwsh -c exit) median {1:N0} ms; with Import-Module median {2:N0} ms; ratio {3:N3}; added {4:N0} ms (target <= 150 ms: {5})' -f $what, $b, $m, ($m / $b), $delta, $(if ($delta -le 150) { 'met' } else { 'NOT met' })
        'first verdict ({0}): Import-Module + Test-AutoModeManifest (examples/automode) median {1:N0} ms; ratio to bare Import-Module {2:N3}; added {3:N0} ms (target ratio <= 1.25: {4})' -f $what, $v, ($v / $m), ($v - $m), $(if ($v / $m -le 1.25) { 'met' } else { 'NOT met' })
    }
}
finally {
    Remove-Item -Recurse -Force $portableRoot -ErrorAction SilentlyContinue
}
