# Ahead-of-time (ReadyToRun) copies in Dependencies/<framework>-<rid>/ (build.ps1, build/NativeImages): loaded only on
# the platform and .NET version they were compiled for, with the same results as the portable IL copies that every
# other platform loads. Each case runs in its own fresh pwsh so the engine is loaded the way a user's session loads it.

BeforeAll {
    Import-Module "$PSScriptRoot/Common.psm1" -Force
    $script:modulePath = Get-TestModulePath
    Import-Module $script:modulePath -Force
    $script:moduleRoot = Split-Path $script:modulePath
    $script:repo = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:work = Join-Path ([IO.Path]::GetTempPath()) ('eam-native-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Force (Join-Path $script:work 'manifests') | Out-Null
    Copy-Item (Join-Path $script:repo 'examples/automode/*.yaml'), (Join-Path $script:repo 'examples/karpenter/*.yaml'),
        (Join-Path $script:repo 'tests/Unit/TestData/Reporting/invalid-manifests.yaml') (Join-Path $script:work 'manifests')
    # The layout other platforms get: the same module without any native-image folder.
    $script:portable = Join-Path $script:work 'EksAutoMode'
    Copy-Item -Recurse $script:moduleRoot $script:portable
    Get-ChildItem (Join-Path $script:portable 'Dependencies') -Directory | Remove-Item -Recurse -Force

    function Invoke-Validation([string] $ManifestPath) {
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ManifestPath'
`$findings = @(Test-AutoModeManifest -LiteralPath '$(Join-Path $script:work 'manifests')' -ErrorAction SilentlyContinue)
'FINDINGS=' + (`$findings | Select-Object RuleId, Severity, Kind, Name, Path, Message, File, Line, Column, SchemaSource | ConvertTo-Json -Compress -Depth 3)
foreach (`$a in [AppDomain]::CurrentDomain.GetAssemblies()) {
    if ([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$a).Name -eq 'EksAutoMode.Dependencies') { 'ASM=' + `$a.GetName().Name + '|' + `$a.Location }
}
'RUNTIME=' + [Environment]::Version.Major + '|' + [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture + '|' + `$IsLinux
"@
        $result.Error | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        [pscustomobject]@{
            Findings   = ($result.Output | Where-Object { $_ -like 'FINDINGS=*' }) -replace '^FINDINGS='
            Assemblies = @($result.Output | Where-Object { $_ -like 'ASM=*' } | ForEach-Object { $n, $l = ($_ -replace '^ASM=') -split '\|'; [pscustomobject]@{ Name = $n; Location = $l } })
            Runtime    = ($result.Output | Where-Object { $_ -like 'RUNTIME=*' }) -replace '^RUNTIME='
        }
    }
    $script:native = Invoke-Validation $script:modulePath
    $script:il = Invoke-Validation (Join-Path $script:portable 'EksAutoMode.psd1')
}

AfterAll {
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'Native images' {
    It 'are built for .NET 10 on Linux x64, for the assemblies the first validation runs, as the same assemblies as the IL copies' {
        $folder = Join-Path $script:moduleRoot 'Dependencies/net10.0-linux-x64'
        $images = @(Get-ChildItem $folder -Filter *.dll | Sort-Object Name)
        $images.Name | Should -Be @('Antlr4.Runtime.Standard.dll', 'Cel.dll', 'EksAutoMode.Engine.dll', 'Google.Protobuf.dll', 'YamlDotNet.dll')
        foreach ($image in $images) {
            $il = Join-Path $script:moduleRoot "Dependencies/$($image.Name)"
            [Reflection.AssemblyName]::GetAssemblyName($image.FullName).FullName | Should -Be ([Reflection.AssemblyName]::GetAssemblyName($il).FullName)
            # ReadyToRun code makes the file larger than its IL; a plain copy would load but save nothing.
            $image.Length | Should -BeGreaterThan (Get-Item $il).Length
        }
    }

    It 'are what this platform loads, and the portable layout loads the IL copies' {
        $script:native.Runtime | Should -Be '10|X64|True' -Because 'the CI runs PowerShell 7.6 (.NET 10) on Linux x64, the platform the images are for'
        $engine = $script:native.Assemblies | Where-Object Name -eq 'EksAutoMode.Engine'
        $engine.Location | Should -BeLike '*Dependencies/net10.0-linux-x64/EksAutoMode.Engine.dll'
        foreach ($name in 'YamlDotNet', 'Cel', 'Antlr4.Runtime.Standard', 'Google.Protobuf') {
            ($script:native.Assemblies | Where-Object Name -eq $name).Location | Should -BeLike "*Dependencies/net10.0-linux-x64/$name.dll"
        }

        foreach ($a in $script:il.Assemblies) {
            $a.Location | Should -BeLike "*EksAutoMode/Dependencies/$($a.Name).dll"
        }
        @($script:il.Assemblies).Count | Should -Be @($script:native.Assemblies).Count
    }

    It 'give the same findings as the IL copies' {
        $script:native.Findings | Should -Not -BeNullOrEmpty
        ($script:native.Findings | ConvertFrom-Json).Count | Should -BeGreaterThan 5
        $script:native.Findings | Should -BeExactly $script:il.Findings
    }

    It 'are chosen by operating system, C library, processor and .NET major version' {
        $type = [EksAutoMode.Infrastructure.ModuleInitializer].Assembly.GetType('EksAutoMode.Infrastructure.DependencyLoadContext')
        $folder = { param($os, $rid, $arch, $major) $type.GetMethod('NativeImageFolder', [Reflection.BindingFlags]'NonPublic,Static').Invoke($null, @($os, $rid, [System.Runtime.InteropServices.Architecture]$arch, $major)) }
        & $folder 'linux' 'linux-x64' 'X64' 10 | Should -Be 'net10.0-linux-x64'
        & $folder 'linux' 'ubuntu.24.04-x64' 'X64' 10 | Should -Be 'net10.0-linux-x64' -Because "a distribution's own .NET names the distribution"
        & $folder 'linux' 'linux-musl-x64' 'X64' 10 | Should -Be 'net10.0-linux-musl-x64'
        & $folder 'linux' 'alpine.3.20-x64' 'X64' 10 | Should -Be 'net10.0-linux-musl-x64'
        & $folder 'linux' 'linux-arm64' 'Arm64' 10 | Should -Be 'net10.0-linux-arm64'
        & $folder 'linux' 'linux-x64' 'X64' 8 | Should -Be 'net8.0-linux-x64' -Because 'PowerShell 7.4 runs on .NET 8, for which no images are built'
        & $folder 'win' 'win-x64' 'X64' 10 | Should -Be 'net10.0-win-x64'
        & $folder 'osx' 'osx-arm64' 'Arm64' 10 | Should -Be 'net10.0-osx-arm64'
    }
}
