#Requires -Version 7.4
<#
.SYNOPSIS
    Import-time benchmark: cold `pwsh -NoProfile -c "Import-Module <out>/EksAutoMode"` against cold
    `pwsh -NoProfile -c exit`, medians over 11 alternating runs. Target: at most +150 ms.
#>
$ErrorActionPreference = 'Stop'
$runs = 11
$pwsh = Join-Path $PSHOME 'pwsh.dll'
function Measure-Cold([string] $Command) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & dotnet $pwsh -NoProfile -NonInteractive -Command $Command | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "pwsh -c '$Command' failed." }
    return $sw.Elapsed.TotalMilliseconds
}
$import = "Import-Module '$($env:EKSAUTOMODE_MODULE_PATH)'"
$null = Measure-Cold 'exit'; $null = Measure-Cold $import   # warm the OS file cache once
$baseline = [Collections.Generic.List[double]]::new(); $withModule = [Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $runs; $i++) { $baseline.Add((Measure-Cold 'exit')); $withModule.Add((Measure-Cold $import)) }
$median = { param($xs) $s = $xs | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }
$b = & $median $baseline; $m = & $median $withModule
$delta = $m - $b
'import: baseline (pwsh -c exit) median {0:N0} ms; with Import-Module median {1:N0} ms; ratio {2:N3}; added {3:N0} ms (target <= 150 ms: {4})' -f $b, $m, ($m / $b), $delta, $(if ($delta -le 150) { 'met' } else { 'NOT met' })
