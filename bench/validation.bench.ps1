#Requires -Version 7.4
<#
.SYNOPSIS
    Validation benchmark (issue 3), two measurements in one run:
    1. Engine vs parse-only: 10,000 documents (the examples cycled, each with its own name and expireAfter) read
       and validated by the engine (ManifestReader + ManifestValidator: schema, CEL, policy), divided by the time
       YamlDotNet alone takes to parse the same documents (YamlStream.Load). Best of 3 rounds after a warm-up,
       in the console harness bench/ValidationHarness. Target: ratio <= 2.
       Then 100,000 generated inputs (mutated examples, every 50th a hostile input) through the gate's path
       (ValidationRun): no unhandled exception, no run over 1 s, peak memory reported (issue 12).
    2. End to end: Test-AutoModeManifest -Quiet over 1,000 files in a fresh pwsh with the built module, against
       the baseline of reading the same files with Get-Content -Raw in the same process. Target: <= 3 s.
#>
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$module = $env:EKSAUTOMODE_MODULE_PATH
if (-not $module) { $module = Join-Path $root 'out/EksAutoMode/EksAutoMode.psd1' }

# ---- 1. engine / YamlDotNet parse-only ----
$harness = Join-Path $PSScriptRoot 'ValidationHarness/ValidationHarness.csproj'
& dotnet build $harness -c Release --nologo --verbosity quiet | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'Building the validation harness failed.' }
$dll = Join-Path $PSScriptRoot 'ValidationHarness/bin/Release/net10.0/ValidationHarness.dll'
$line = & dotnet $dll (Join-Path $root 'examples') 10000 3
if ($LASTEXITCODE -ne 0) { throw "The validation harness failed: $line" }
if ($line -notmatch 'baselineMs=([\d.]+) engineMs=([\d.]+) ratio=([\d.]+)') { throw "Unexpected harness output: $line" }
$ratio = [double]$Matches[3]
'validation engine: 10,000 documents; YamlDotNet parse-only {0:N0} ms; engine (read + schema + CEL + policy) {1:N0} ms; ratio {2:N2} (target <= 2: {3})' -f [double]$Matches[1], [double]$Matches[2], $ratio, $(if ($ratio -le 2) { 'met' } else { 'NOT met' })

# ---- 1b. fuzz: 100,000 generated inputs through the gate's path, every 50th a hostile one (issue 12) ----
$fuzzCount = if ($env:EKSAUTOMODE_FUZZ_CASES) { [int]$env:EKSAUTOMODE_FUZZ_CASES } else { 100000 }
$fuzz = & dotnet $dll (Join-Path $root 'examples') fuzz $fuzzCount
if ($LASTEXITCODE -ne 0) { throw "The fuzz run failed: $fuzz" }
$fuzz = $fuzz | Select-Object -Last 1
if ($fuzz -notmatch 'fuzzCases=(\d+) hostileCases=(\d+) documents=(\d+) exceptions=(\d+) overOneSecond=(\d+) cpuOverOneSecond=(\d+) slowestMs=([\d.]+) slowestCpuMs=([\d.]+) slowestKind=(\w*) peakHeapMB=(\d+) peakWorkingSetMB=(\d+) totalMs=(\d+)') { throw "Unexpected fuzz output: $fuzz" }
$f = $Matches
'validation fuzz: {0:N0} generated inputs ({1:N0} hostile: alias bombs, 200,000-level nesting, 3 MB lines, big scalars, many aliases/documents), {2:N0} documents read, in {3:N0} ms' -f [int]$f[1], [int]$f[2], [long]$f[3], [double]$f[12]
'validation fuzz: unhandled exceptions {0} (target 0: {1}); runs over 1 s: {2} wall-clock, {3} CPU (target 0: {4}); slowest run {5:N1} ms wall, {6:N1} ms CPU ({7})' -f [int]$f[4], $(if ([int]$f[4] -eq 0) { 'met' } else { 'NOT met' }), [int]$f[5], [int]$f[6], $(if ([int]$f[5] -eq 0) { 'met' } elseif ([int]$f[6] -eq 0) { 'met in CPU time; wall-clock over 1 s only on a loaded machine' } else { 'NOT met' }), [double]$f[7], [double]$f[8], $f[9]
'validation fuzz: peak memory {0} MB managed heap, {1} MB process working set' -f [int]$f[10], [int]$f[11]

# ---- 2. end to end over 1,000 files ----
$dir = Join-Path ([IO.Path]::GetTempPath()) ('eam-bench-' + [guid]::NewGuid().ToString('n'))
New-Item -ItemType Directory -Path $dir | Out-Null
try {
    $seeds = @(Get-ChildItem (Join-Path $root 'examples') -Recurse -Filter *.yaml | Sort-Object FullName | ForEach-Object { Get-Content -Raw $_.FullName })
    for ($i = 0; $i -lt 1000; $i++) {
        $text = $seeds[$i % $seeds.Count] -replace "(?m)^  name: ", "  name: f$i-"
        Set-Content -Path (Join-Path $dir ('m{0:D4}.yaml' -f $i)) -Value $text -Encoding utf8NoBOM
    }
    $script = @"
Import-Module '$module'
`$null = Test-AutoModeManifest -InputObject 'apiVersion: karpenter.sh/v1' -Quiet   # load the engine and schemas once
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$null = Get-ChildItem '$dir' -Filter *.yaml | ForEach-Object { Get-Content -Raw `$_.FullName }
`$baseline = `$sw.Elapsed.TotalMilliseconds
`$sw.Restart()
`$ok = Test-AutoModeManifest -Path '$dir' -Quiet
`$cmdlet = `$sw.Elapsed.TotalMilliseconds
"`$baseline;`$cmdlet;`$ok"
"@
    $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script
    if ($LASTEXITCODE -ne 0) { throw "End-to-end run failed: $out" }
    $parts = ($out | Select-Object -Last 1) -split ';'
    $baseline = [double]$parts[0]; $cmdlet = [double]$parts[1]
    'validation end to end: Test-AutoModeManifest -Quiet over 1,000 files {0:N0} ms (target <= 3000 ms: {1}); baseline Get-Content -Raw of the same files {2:N0} ms; ratio {3:N2}; verdict {4}' -f $cmdlet, $(if ($cmdlet -le 3000) { 'met' } else { 'NOT met' }), $baseline, ($cmdlet / $baseline), $parts[2]
}
finally {
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
}
