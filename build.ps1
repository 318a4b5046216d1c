#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, benchmarks and packages EksAutoMode.

.DESCRIPTION
    Tasks (run as ./build.ps1 -Task <Name> or ./build.ps1 <Name>):
      Build    builds the solution and lays out out/EksAutoMode/ (manifest, formats, help and the cmdlets
               assembly at the root; the engine and every third-party DLL in Dependencies/)
      Test     Build, then xUnit, then Pester in a fresh pwsh against out/EksAutoMode; ends with the line
               "Tests: N passed, N failed" (both suites summed); exit code 1 on any failure
      Demo     Build, then demo/Demo.ps1 in a fresh pwsh (embedded data and the sandbox)
      Bench    Build, then every bench/*.bench.ps1 in a fresh pwsh (each prints ratios against a baseline)
      Screenshot  Build, then regenerate docs/images/report-sample.png (the README's sample of
               Export-AutoModeReport: the sandbox's automode scenario rendered by headless Chromium, /usr/bin/chromium)
      Package  Build, then out/packages/EksAutoMode.<version>.nupkg, verified by Install-PSResource from a
               temporary local repository
      Clean    removes out/ and every bin/ and obj/ folder

    On a fresh machine with only the .NET SDK:  dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Screenshot', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester: run only test files whose name matches (e.g. 'Conventions'); xUnit still runs unless -SkipUnit.
    [string] $PesterFilter,

    [switch] $SkipUnit,
    [switch] $SkipPester
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'EksAutoMode'
$SandboxOut = Join-Path $Out 'sandbox'
$ResultsDir = Join-Path $Out 'TestResults'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

# Engine dependencies that must ship in Dependencies/ (the build fails if one is missing).
$RequiredDependencies = @(
    'EksAutoMode.Engine.dll', 'YamlDotNet.dll', 'KubernetesClient.dll', 'AWSSDK.Core.dll', 'AWSSDK.EC2.dll',
    'AWSSDK.SecurityToken.dll', 'AWSSDK.SSO.dll', 'AWSSDK.SSOOIDC.dll', 'Cel.dll'
)

# ReadyToRun copies (build/NativeImages): for PowerShell 7.6 (.NET 10) on Linux x64, where the benchmark and the tests
# run. Other platforms and runtimes load the IL copies (no untested native code is shipped for them).
# Which assemblies: build/NativeImages/NativeImages.csproj.
$NativeImageTargets = @(@{ Framework = 'net10.0'; Rid = 'linux-x64' })

function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments)
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# A new pwsh process: the same PowerShell that runs this script (the repository's pinned local tool).
function Invoke-FreshPwsh {
    param([string[]] $Arguments, [hashtable] $Environment = @{})
    $saved = @{}
    foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive @Arguments | Out-Host
        return $LASTEXITCODE
    }
    finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    $node = $props.Project.PropertyGroup | Where-Object { $_['ModuleVersion'] } | Select-Object -First 1
    return $node.ModuleVersion
}

function Get-NuGetPackagesRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = (& dotnet nuget locals global-packages --list) -join "`n"
    if ($line -match 'global-packages:\s*(.+)') { return $Matches[1].Trim() }
    return (Join-Path $HOME '.nuget/packages')
}

function Get-TestEnvironment {
    $packages = Get-NuGetPackagesRoot
    return @{
        EKSAUTOMODE_MODULE_PATH  = (Join-Path $ModuleOut 'EksAutoMode.psd1')
        EKSAUTOMODE_SANDBOX_PATH = (Join-Path $SandboxOut 'EksAutoMode.Sandbox.dll')
        EKSAUTOMODE_REPO_ROOT    = $Root
        EKSAUTOMODE_PESTER_PATH  = (Join-Path $packages 'pester/5.7.1/tools/Pester.psd1')
        EKSAUTOMODE_FIXTURES     = $packages
    }
}

function Invoke-Build {
    Write-Host "==> Build ($Configuration)" -ForegroundColor Cyan
    Invoke-Native dotnet @('restore', (Join-Path $Root 'EksAutoMode.sln'), '--verbosity', 'quiet')
    Invoke-Native dotnet @('build', (Join-Path $Root 'EksAutoMode.sln'), '-c', $Configuration, '--no-restore', '--nologo', '--verbosity', 'quiet', '-clp:ErrorsOnly')

    $staging = Join-Path $Out "obj/engine"
    if (Test-Path $staging) { Remove-Item -Recurse -Force $staging }
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/EksAutoMode.Engine/EksAutoMode.Engine.csproj'), '-c', $Configuration, '--no-build', '--nologo', '--verbosity', 'quiet', '-o', $staging)

    if (Test-Path $ModuleOut) { Remove-Item -Recurse -Force $ModuleOut }
    $deps = New-Item -ItemType Directory -Force (Join-Path $ModuleOut 'Dependencies')
    Get-ChildItem $staging -Filter *.dll | Where-Object Name -NotMatch '^System\.Management\.Automation' | Copy-Item -Destination $deps
    foreach ($required in $RequiredDependencies) {
        if (-not (Test-Path (Join-Path $deps $required))) { throw "Build layout: Dependencies/$required is missing." }
    }

    # Ahead-of-time (ReadyToRun) copies of what the first validation runs, per platform and .NET version, in
    # Dependencies/<framework>-<rid>/ (loaded only there: DependencyLoadContext.NativeImageFolder).
    foreach ($target in $NativeImageTargets) {
        $nativeStaging = Join-Path $Out "obj/native-$($target.Framework)-$($target.Rid)"
        if (Test-Path $nativeStaging) { Remove-Item -Recurse -Force $nativeStaging }
        Invoke-Native dotnet @('publish', (Join-Path $Root 'build/NativeImages/NativeImages.csproj'), '-c', 'Release', '--nologo', '--verbosity', 'quiet',
            "-p:Staging=$staging", "-p:TargetFramework=$($target.Framework)", "-p:RuntimeIdentifier=$($target.Rid)",
            "-p:NativeImageOut=$(Join-Path $deps "$($target.Framework)-$($target.Rid)")", '-o', $nativeStaging)
    }

    $cmdletsBin = Join-Path $Root "src/EksAutoMode.Cmdlets/bin/$Configuration/net8.0"
    Copy-Item (Join-Path $cmdletsBin 'EksAutoMode.Cmdlets.dll') $ModuleOut
    Copy-Item (Join-Path $cmdletsBin 'EksAutoMode.Cmdlets.pdb') $ModuleOut -ErrorAction SilentlyContinue
    Copy-Item (Join-Path $Root 'LICENSE'), (Join-Path $Root 'CHANGELOG.md') $ModuleOut
    Copy-Item -Recurse (Join-Path $Root 'module/Formats') (Join-Path $ModuleOut 'Formats')

    $version = Get-ModuleVersion
    (Get-Content -Raw (Join-Path $Root 'module/EksAutoMode.psd1')).Replace('{{ModuleVersion}}', $version) |
        Set-Content -NoNewline -Encoding utf8NoBOM (Join-Path $ModuleOut 'EksAutoMode.psd1')

    # Help: markdown under docs/ compiled to MAML next to the cmdlets assembly (and about_ topics), in a
    # fresh process so the freshly built assembly is not locked in this one.
    $code = Invoke-FreshPwsh @('-File', (Join-Path $Root 'build/HelpCompiler.ps1'), '-ModulePath', $ModuleOut, '-DocsPath', (Join-Path $Root 'docs'))
    if ($code -ne 0) { throw "Help compilation failed (exit code $code)." }

    $sandboxProject = Join-Path $Root 'tests/Sandbox/EksAutoMode.Sandbox.csproj'
    if (Test-Path $sandboxProject) {
        Invoke-Native dotnet @('publish', $sandboxProject, '-c', $Configuration, '--no-build', '--nologo', '--verbosity', 'quiet', '-o', $SandboxOut)
    }

    Write-Host "Built module $version at $ModuleOut" -ForegroundColor Green
}

function Read-TrxCounts {
    param([string] $Directory)
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in Get-ChildItem $Directory -Filter *.trx -ErrorAction SilentlyContinue) {
        # -LiteralPath: two runs ending in the same second get "name[1].trx", which -Path would read as a wildcard.
        $xml = [xml](Get-Content -Raw -LiteralPath $trx.FullName)
        $c = $xml.TestRun.ResultSummary.Counters
        $passed += [int]$c.passed
        $failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
        $skipped += [int]$c.notExecuted
    }
    return [pscustomobject]@{ Passed = $passed; Failed = $failed; Skipped = $skipped }
}

function Invoke-Test {
    Invoke-Build
    if (Test-Path $ResultsDir) { Remove-Item -Recurse -Force $ResultsDir }
    New-Item -ItemType Directory -Force $ResultsDir | Out-Null
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/Fixtures/Fixtures.csproj'), '--verbosity', 'quiet')

    $unit = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $unitCrashed = $false
    if (-not $SkipUnit) {
        Write-Host '==> xUnit' -ForegroundColor Cyan
        & dotnet test (Join-Path $Root 'EksAutoMode.sln') -c $Configuration --no-build --nologo --verbosity quiet `
            --results-directory (Join-Path $ResultsDir 'unit') --logger 'trx' --logger 'console;verbosity=minimal'
        $unitExit = $LASTEXITCODE
        $unit = Read-TrxCounts (Join-Path $ResultsDir 'unit')
        if ($unitExit -ne 0 -and $unit.Failed -eq 0) { $unitCrashed = $true }
    }

    $pester = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $pesterCrashed = $false
    if (-not $SkipPester) {
        Write-Host '==> Pester (fresh pwsh, built module)' -ForegroundColor Cyan
        $summary = Join-Path $ResultsDir 'pester-summary.json'
        $pesterArgs = @('-File', (Join-Path $Root 'tests/Pester/Invoke-PesterSuite.ps1'), '-SummaryPath', $summary)
        if ($PesterFilter) { $pesterArgs += @('-Filter', $PesterFilter) }
        $null = Invoke-FreshPwsh $pesterArgs (Get-TestEnvironment)
        if (Test-Path $summary) {
            $pester = Get-Content -Raw $summary | ConvertFrom-Json
        }
        else { $pesterCrashed = $true }
    }

    $passed = $unit.Passed + $pester.Passed
    $failed = $unit.Failed + $pester.Failed + [int]$unitCrashed + [int]$pesterCrashed
    $skipped = $unit.Skipped + $pester.Skipped
    if ($unitCrashed) { Write-Host 'xUnit run failed without reporting a failed test (build or runner error).' -ForegroundColor Red }
    if ($pesterCrashed) { Write-Host 'Pester run produced no summary (runner error).' -ForegroundColor Red }
    Write-Host "xUnit: $($unit.Passed) passed, $($unit.Failed) failed, $($unit.Skipped) skipped; Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    if ($skipped -gt 0) { Write-Host "Skipped: $skipped (each with its reason in the suite's output)" }
    # The last line is exactly "Tests: N passed, N failed": CI reads it.
    Write-Host "Tests: $passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    Write-Host '==> Demo' -ForegroundColor Cyan
    $code = Invoke-FreshPwsh @('-File', (Join-Path $Root 'demo/Demo.ps1')) (Get-TestEnvironment)
    if ($code -ne 0) { exit $code }
}

function Invoke-Bench {
    Invoke-Build
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/Fixtures/Fixtures.csproj'), '--verbosity', 'quiet')
    $failed = 0
    foreach ($bench in Get-ChildItem (Join-Path $Root 'bench') -Filter *.bench.ps1 | Sort-Object Name) {
        Write-Host "==> Bench $($bench.Name)" -ForegroundColor Cyan
        $code = Invoke-FreshPwsh @('-File', $bench.FullName) (Get-TestEnvironment)
        if ($code -ne 0) { $failed++; Write-Host "Bench $($bench.Name) failed (exit code $code)." -ForegroundColor Red }
    }
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Screenshot {
    Invoke-Build
    Write-Host '==> Screenshot' -ForegroundColor Cyan
    $code = Invoke-FreshPwsh @('-File', (Join-Path $Root 'build/New-ReportScreenshot.ps1')) (Get-TestEnvironment)
    if ($code -ne 0) { exit $code }
}

function Invoke-Package {
    Invoke-Build
    Write-Host '==> Package' -ForegroundColor Cyan
    $packages = Join-Path $Out 'packages'
    if (Test-Path $packages) { Remove-Item -Recurse -Force $packages }
    New-Item -ItemType Directory -Force $packages | Out-Null
    $code = Invoke-FreshPwsh @('-File', (Join-Path $Root 'build/Package.ps1'), '-ModulePath', $ModuleOut, '-DestinationPath', $packages)
    if ($code -ne 0) { throw "Packaging failed (exit code $code)." }
}

function Invoke-Clean {
    if (Test-Path $Out) { Remove-Item -Recurse -Force $Out }
    Get-ChildItem $Root -Recurse -Directory -Include bin, obj -ErrorAction SilentlyContinue |
        Where-Object FullName -NotMatch '[\\/]\.git[\\/]' | Remove-Item -Recurse -Force
    Write-Host 'Cleaned.'
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Screenshot' { Invoke-Screenshot }
    'Package' { Invoke-Package }
    'Clean' { Invoke-Clean }
}
