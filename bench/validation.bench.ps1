#Requires -Version 7.4
<#
.SYNOPSIS
    Validation benchmark (issue 3), two measurements in one run:
    1. Engine vs parse-only: 10,000 documents (the examples cycled, each with its own name and expireAfter) read
       and validated by the engine (ManifestReader + ManifestValidator: schema, CEL, policy), divided by the time
       YamlDotNet alone takes to parse the same documents (YamlStream.Load). Best of 3 rounds after a warm-up,
       in the console harness bench/ValidationHarness. Target: ratio <= 2.
       Then 50,000 mutated documents through reader and validator (the unit suite runs 10,000): no unhandled
       exception, no case over 1 s.
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

# ---- 1b. a larger fuzz run than the unit suite's 10,000 cases ----
$fuzz = & dotnet $dll (Join-Path $root 'examples') fuzz 50000
if ($LASTEXITCODE -ne 0) { throw "The fuzz run failed: $fuzz" }
if ($fuzz -notmatch 'fuzzCases=(\d+) exceptions=(\d+) slowestMs=([\d.]+) totalMs=(\d+)') { throw "Unexpected fuzz output: $fuzz" }
'validation fuzz: {0:N0} mutated documents in {1:N0} ms; unhandled exceptions {2} (target 0: {3}); slowest case {4:N1} ms (hang guard 1000 ms: {5})' -f [int]$Matches[1], [double]$Matches[4], [int]$Matches[2], $(if ([int]$Matches[2] -eq 0) { 'met' } else { 'NOT met' }), [double]$Matches[3], $(if ([double]$Matches[3] -lt 1000) { 'met' } else { 'NOT met' })

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
