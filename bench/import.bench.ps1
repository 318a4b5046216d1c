#Requires -Version 7.4
<#
.SYNOPSIS
    Cold-start benchmark, medians over alternating runs of fresh processes:
    1. import: `pwsh -c "Import-Module <out>/EksAutoMode"` against `pwsh -c exit` (target: at most +150 ms);
    2. first verdict: `pwsh -c "Import-Module ...; Test-AutoModeManifest -Path <small folder>"` against the bare
       Import-Module of the same run, as a ratio (target: at most 1.25x). Prints its own lines; never fails on timing.
#>
param(
    [int] $Runs = 11,
    [string] $ModulePath = $env:EKSAUTOMODE_MODULE_PATH,
    [string] $ManifestFolder = (Join-Path $PSScriptRoot '../examples/automode')
)
$ErrorActionPreference = 'Stop'
if (-not $ModulePath) { $ModulePath = Join-Path $PSScriptRoot '../out/EksAutoMode/EksAutoMode.psd1' }
$pwsh = Join-Path $PSHOME 'pwsh.dll'
function Measure-Cold([string] $Command) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & dotnet $pwsh -NoProfile -NonInteractive -Command $Command | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "pwsh -c '$Command' failed." }
    return $sw.Elapsed.TotalMilliseconds
}
$import = "Import-Module '$ModulePath'"
# -Quiet returns one verdict for the folder: the first answer a CI step waits for.
$verdict = "Import-Module '$ModulePath'; `$null = Test-AutoModeManifest -LiteralPath '$ManifestFolder' -Quiet"
$null = Measure-Cold 'exit'; $null = Measure-Cold $import; $null = Measure-Cold $verdict   # warm the OS file cache once
$baseline = [Collections.Generic.List[double]]::new(); $withModule = [Collections.Generic.List[double]]::new(); $withVerdict = [Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $Runs; $i++) {
    $baseline.Add((Measure-Cold 'exit')); $withModule.Add((Measure-Cold $import)); $withVerdict.Add((Measure-Cold $verdict))
}
$median = { param($xs) $s = $xs | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }
$b = & $median $baseline; $m = & $median $withModule; $v = & $median $withVerdict
$delta = $m - $b
'import: baseline (pwsh -c exit) median {0:N0} ms; with Import-Module median {1:N0} ms; ratio {2:N3}; added {3:N0} ms (target <= 150 ms: {4})' -f $b, $m, ($m / $b), $delta, $(if ($delta -le 150) { 'met' } else { 'NOT met' })
'first verdict: Import-Module + Test-AutoModeManifest (examples/automode) median {0:N0} ms; ratio to bare Import-Module {1:N3}; added {2:N0} ms (target ratio <= 1.25: {3})' -f $v, ($v / $m), ($v - $m), $(if ($v / $m -le 1.25) { 'met' } else { 'NOT met' })
