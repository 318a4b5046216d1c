# Dependency isolation: the module must work next to modules that load other copies of its dependencies into
# PowerShell's default load context (AWS.Tools 5.x ships AWSSDK.Core 4.0.0.0 in an older file; Az.Aks and
# others ship an old YamlDotNet). Each case runs in its own fresh pwsh so nothing else is loaded before it.

BeforeAll {
    Import-Module "$PSScriptRoot/Common.psm1" -Force
    $script:modulePath = Get-TestModulePath
    function Find-FixtureDll([string] $Package, [string] $Version, [string] $Dll) {
        $lib = Join-Path $env:EKSAUTOMODE_FIXTURES "$Package/$Version/lib"
        foreach ($tfm in 'net8.0', 'net6.0', 'net5.0', 'netstandard2.1', 'netstandard2.0') {
            $candidate = Join-Path $lib "$tfm/$Dll"
            if (Test-Path $candidate) { return $candidate }
        }
        throw "Fixture $Package $Version not restored under $lib (tests/Fixtures/Fixtures.csproj)."
    }
    $script:oldAwsCore = Find-FixtureDll 'awssdk.core' '4.0.3.3' 'AWSSDK.Core.dll'
    $script:oldYaml = Find-FixtureDll 'yamldotnet' '11.2.1' 'YamlDotNet.dll'
}

Describe 'Dependency isolation' {
    It 'works after an old AWSSDK.Core 4.0.3.3 and YamlDotNet 11.2.1 were loaded into the default context' {
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$oldAwsCore'
Add-Type -Path '$oldYaml'
Import-Module '$modulePath'
# YAML path: the knowledge base is YAML parsed by the module's own YamlDotNet.
`$cost = @(Get-AutoModeDifference -Area Cost)
# AWSSDK path: Region completion asks the module's own AWSSDK.Core.
`$regions = @([EksAutoMode.Completers.RegionCompleter]::new().CompleteArgument('Get-X', 'Region', 'ap-northeast', `$null, @{}))
'COST=' + `$cost.Count
'REGIONS=' + ((`$regions | ForEach-Object CompletionText) -join ',')
foreach (`$name in 'AWSSDK.Core', 'YamlDotNet') {
    foreach (`$a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq `$name }) {
        'ASM=' + `$name + '|' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$a).Name + '|' + `$a.Location
    }
}
"@
        $result.Error | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        [int](($result.Output | Where-Object { $_ -like 'COST=*' }) -replace 'COST=') | Should -BeGreaterThan 2
        ($result.Output | Where-Object { $_ -like 'REGIONS=*' }) | Should -Match 'ap-northeast-1'

        $asm = $result.Output | Where-Object { $_ -like 'ASM=*' } | ForEach-Object { $n, $ctx, $loc = ($_ -replace '^ASM=') -split '\|'; [pscustomobject]@{ Name = $n; Context = $ctx; Location = $loc } }
        foreach ($name in 'AWSSDK.Core', 'YamlDotNet') {
            $copies = @($asm | Where-Object Name -eq $name)
            $copies.Count | Should -Be 2 -Because "the preloaded $name and the module's own copy must both be loaded"
            ($copies | Where-Object Context -eq 'Default').Location | Should -Match ([regex]::Escape('fixture') + '|nuget|packages')
            ($copies | Where-Object Context -eq 'EksAutoMode.Dependencies').Location | Should -BeLike "*Dependencies*$name.dll"
        }
    }

    It 'survives Import-Module, Remove-Module, Import-Module in one session' {
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$modulePath'
'FIRST=' + @(Get-AutoModeDifference).Count
Remove-Module EksAutoMode
'REMOVED=' + [bool](Get-Command Get-AutoModeDifference -ErrorAction SilentlyContinue)
Import-Module '$modulePath'
'SECOND=' + @(Get-AutoModeDifference).Count
'REGIONS=' + @([EksAutoMode.Completers.RegionCompleter]::new().CompleteArgument('x', 'Region', 'eu-', `$null, @{})).Count
"@
        $result.Error | Should -BeNullOrEmpty
        $first = [int](($result.Output | Where-Object { $_ -like 'FIRST=*' }) -replace 'FIRST=')
        $first | Should -BeGreaterThan 10
        ($result.Output | Where-Object { $_ -like 'SECOND=*' }) | Should -Be "SECOND=$first"
        [int](($result.Output | Where-Object { $_ -like 'REGIONS=*' }) -replace 'REGIONS=') | Should -BeGreaterThan 3
    }

    It 'runs concurrently in ForEach-Object -Parallel' {
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
`$counts = 1..8 | ForEach-Object -ThrottleLimit 4 -Parallel {
    Import-Module '$modulePath'
    @(Get-AutoModeDifference -Impact Caveat).Count
}
'COUNTS=' + (`$counts -join ',')
"@
        $result.Error | Should -BeNullOrEmpty
        $counts = (($result.Output | Where-Object { $_ -like 'COUNTS=*' }) -replace 'COUNTS=') -split ','
        $counts.Count | Should -Be 8
        @($counts | Sort-Object -Unique).Count | Should -Be 1
        [int]$counts[0] | Should -BeGreaterThan 5
    }
}
