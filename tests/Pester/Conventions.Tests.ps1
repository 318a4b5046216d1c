# Convention tests over the exported surface of the built module: every cmdlet a user can run must follow
# PowerShell's conventions and be documented. They run for each exported cmdlet, so new cmdlets are covered
# automatically.

BeforeDiscovery {
    $module = Import-Module $env:EKSAUTOMODE_MODULE_PATH -PassThru -Force
    $script:cmdletCases = @(Get-Command -Module $module.Name -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    $script:module = Import-Module $env:EKSAUTOMODE_MODULE_PATH -PassThru -Force
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    $script:approved = (Get-Verb).Verb
    # Verbs that write or change state (and parameters that write files) require ShouldProcess.
    $script:changingVerbs = 'Add', 'Clear', 'Copy', 'Disable', 'Enable', 'Export', 'Install', 'Invoke', 'Move', 'New', 'Publish', 'Register', 'Remove', 'Rename', 'Reset', 'Restart', 'Save', 'Set', 'Start', 'Stop', 'Uninstall', 'Unregister', 'Update', 'Write'
    $script:writingParameters = 'OutputDirectory', 'OutFile', 'DestinationPath'
    # AWS.Tools' common parameter names and aliases (CredentialsArguments.cs); ours must match exactly.
    $script:awsAliases = @{
        Region          = @('RegionToCall')
        AccessKey       = @('AK')
        SecretKey       = @('SK', 'SecretAccessKey')
        SessionToken    = @('ST')
        ProfileName     = @('StoredCredentials', 'AWSProfileName')
        ProfileLocation = @('AWSProfilesLocation', 'ProfilesLocation')
    }
}

Describe 'Module manifest' {
    It 'passes Test-ModuleManifest and carries the one version from Directory.Build.props' {
        $manifest = Test-ModuleManifest $env:EKSAUTOMODE_MODULE_PATH -ErrorAction Stop
        $props = [xml](Get-Content -Raw (Join-Path $env:EKSAUTOMODE_REPO_ROOT 'Directory.Build.props'))
        $expected = ($props.Project.PropertyGroup | Where-Object { $_['ModuleVersion'] } | Select-Object -First 1).ModuleVersion
        $manifest.Version.ToString(3) | Should -Be $expected
        $manifest.PowerShellVersion.ToString() | Should -Be '7.4'
        $manifest.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'exports exactly the cmdlets listed in CmdletsToExport, with no wildcards' {
        $data = Import-PowerShellDataFile $env:EKSAUTOMODE_MODULE_PATH
        $data.CmdletsToExport | Should -Not -Match '[*?]'
        $listed = @($data.CmdletsToExport | Sort-Object)
        $actual = @((Get-Command -Module $module.Name -CommandType Cmdlet).Name | Sort-Object)
        $actual | Should -Be $listed
    }

    It 'keeps third-party assemblies out of the module root and lists none in RequiredAssemblies/NestedModules' {
        $root = Split-Path $env:EKSAUTOMODE_MODULE_PATH
        @(Get-ChildItem $root -Filter *.dll).Name | Should -Be @('EksAutoMode.Cmdlets.dll')
        Test-Path (Join-Path $root 'Dependencies/EksAutoMode.Engine.dll') | Should -BeTrue
        $data = Import-PowerShellDataFile $env:EKSAUTOMODE_MODULE_PATH
        @($data.RequiredAssemblies) | Where-Object { $_ } | Should -BeNullOrEmpty
        @($data.NestedModules) | Where-Object { $_ } | Should -BeNullOrEmpty
    }
}

Describe '<Name> follows the conventions' -ForEach $cmdletCases {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
        $parameters = $command.Parameters.Values | Where-Object { $_.Name -notin $common }
    }

    It 'uses an approved verb' {
        $command.Verb | Should -BeIn $approved
    }

    It 'declares [OutputType]' {
        $command.OutputType | Should -Not -BeNullOrEmpty
    }

    It 'has a format view for every output type' {
        foreach ($type in $command.OutputType.Type | Where-Object { $_ -and $_.Namespace -like 'EksAutoMode*' }) {
            Get-FormatData -TypeName $type.FullName | Should -Not -BeNullOrEmpty -Because "$($type.FullName) needs a view in module/Formats"
        }
    }

    It 'has help markdown in docs/' {
        Join-Path $env:EKSAUTOMODE_REPO_ROOT "docs/$Name.md" | Should -Exist
    }

    It 'has a synopsis and a description in its help' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"   # not the auto-generated syntax line
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $help.examples.example[0].code | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        foreach ($p in $parameters) {
            $entry = $help.parameters.parameter | Where-Object name -eq $p.Name
            ($entry.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$($p.Name) must be described in docs/$Name.md"
        }
    }

    It 'pairs -Path with -LiteralPath (aliases PSPath, LP)' {
        if ($command.Parameters.ContainsKey('Path')) {
            $command.Parameters.ContainsKey('LiteralPath') | Should -BeTrue
            $command.Parameters['LiteralPath'].Aliases | Should -Contain 'PSPath'
            $command.Parameters['LiteralPath'].Aliases | Should -Contain 'LP'
        }
    }

    It 'supports ShouldProcess when it writes or changes anything' {
        $writes = ($command.Verb -in $changingVerbs) -or @($parameters.Name | Where-Object { $_ -in $writingParameters }).Count -gt 0
        if ($writes) {
            $command.Parameters.ContainsKey('WhatIf') | Should -BeTrue -Because "$Name changes state"
            $command.Parameters.ContainsKey('Confirm') | Should -BeTrue
        }
    }

    It 'uses AWS.Tools common parameter names and aliases exactly' {
        foreach ($name in $awsAliases.Keys) {
            if ($command.Parameters.ContainsKey($name)) {
                foreach ($alias in $awsAliases[$name]) { $command.Parameters[$name].Aliases | Should -Contain $alias }
                $command.Parameters[$name].ParameterSets.Values.ValueFromPipelineByPropertyName | Should -Not -Contain $false
            }
        }
    }
}

Describe 'Unattended use' {
    BeforeAll { Import-Module "$PSScriptRoot/Common.psm1" -Force }

    It 'never prompts under -Debug in a non-interactive host (runbooks)' {
        # -Debug without -Verbose makes PowerShell turn verbose lines of compiled cmdlets into prompts; the
        # cmdlets must route them to the debug stream instead.
        $example = Join-Path $env:EKSAUTOMODE_REPO_ROOT 'examples/automode/builtin-default-nodeclass.yaml'
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-TestModulePath)'
`$null = Test-AutoModeManifest -LiteralPath '$example' -Debug 5>&1
`$null = ConvertTo-OssKarpenter -LiteralPath '$example' -Debug 5>&1 3>&1
'DONE'
"@
        $result.Error | Should -Not -Match 'NonInteractive|Prompt'
        $result.Output | Should -Contain 'DONE'
    }
}
