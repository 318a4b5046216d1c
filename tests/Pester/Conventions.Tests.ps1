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

Describe 'Output that composes' {
    BeforeAll {
        # Every EksAutoMode type a cmdlet declares, and every EksAutoMode type reachable through their properties.
        $script:outputTypes = [System.Collections.Generic.HashSet[type]]::new()
        $queue = [System.Collections.Generic.Queue[type]]::new()
        foreach ($c in Get-Command -Module $module.Name -CommandType Cmdlet) {
            foreach ($t in $c.OutputType.Type | Where-Object { $_ -and $_.Namespace -eq 'EksAutoMode' }) { $queue.Enqueue($t) }
        }
        while ($queue.Count) {
            $t = $queue.Dequeue()
            if (-not $outputTypes.Add($t)) { continue }
            foreach ($p in $t.GetProperties()) {
                $pt = if ($p.PropertyType.IsArray) { $p.PropertyType.GetElementType() } else { $p.PropertyType }
                if ($pt.Namespace -eq 'EksAutoMode' -and -not $pt.IsEnum) { $queue.Enqueue($pt) }
            }
        }
    }

    It 'exposes no enum-typed property (ConvertTo-Json would write numbers without -EnumsAsStrings)' {
        $outputTypes.Count | Should -BeGreaterThan 10
        $enumProps = foreach ($t in $outputTypes) {
            foreach ($p in $t.GetProperties()) {
                $pt = [Nullable]::GetUnderlyingType($p.PropertyType) ?? $p.PropertyType
                if ($pt.IsArray) { $pt = $pt.GetElementType() }
                if ($pt.IsEnum) { "$($t.Name).$($p.Name)" }
            }
        }
        $enumProps | Should -BeNullOrEmpty -Because 'output properties carry enum member names as strings'
    }

    It 'writes member names, not numbers, through ConvertTo-Json and Export-Csv for real output' {
        $root = $env:EKSAUTOMODE_REPO_ROOT
        $bad = Join-Path $TestDrive 'bad.yaml'
        Set-Content $bad "apiVersion: karpenter.sh/v1`nkind: NodePool`nmetadata:`n  name: p`nspec:`n  template:`n    spec:`n      expireAfter: 30 days`n      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass, name: default}`n      requirements: []"
        $cases = @(
            @{ Json = (Get-AutoModeDifference -Topic 'Node autoscaling*' | ConvertTo-Json -Depth 4); Expect = '"Area": "Compute"', '"Impact": "Benefit"' }
            @{ Json = (Test-AutoModeManifest -LiteralPath $bad | Select-Object -First 1 | ConvertTo-Json); Expect = @('"Severity": "Error"') }
            @{ Json = (ConvertFrom-OssKarpenter -LiteralPath (Join-Path $root 'examples/karpenter/ec2nodeclass-al2023.yaml') | ConvertTo-Json -Depth 4); Expect = '"Severity": "(Info|Warning|Error)"', '"Action": "(Mapped|Dropped|Defaulted|Approximated|Placeholder)"' }
            @{ Json = (Test-AutoModeReadiness -ListAvailable | Select-Object -First 3 | ConvertTo-Json); Expect = @('"Severity": "(Blocker|Warning|Info)"') }
        )
        foreach ($case in $cases) {
            foreach ($e in $case.Expect) { $case.Json | Should -Match $e }
            $case.Json | Should -Not -Match '"(Severity|Area|Impact|Action|Status|Mode|CapacityType|ComputeType|PriceSource)": \d'
        }
        Get-AutoModeDifference -Area Cost | Export-Csv -LiteralPath (Join-Path $TestDrive 'd.csv')
        (Import-Csv (Join-Path $TestDrive 'd.csv')).Area | Sort-Object -Unique | Should -Be 'Cost'
        # Filtering by name keeps working on the string properties.
        @(Get-AutoModeDifference | Where-Object Area -EQ ([EksAutoMode.DifferenceArea]::Cost)).Count | Should -Be @(Get-AutoModeDifference -Area Cost).Count
    }
}

Describe 'Default table views' {
    BeforeAll {
        $script:views = foreach ($file in Get-ChildItem (Join-Path (Split-Path $env:EKSAUTOMODE_MODULE_PATH) 'Formats') -Filter *.ps1xml) {
            foreach ($v in ([xml](Get-Content -Raw $file)).Configuration.ViewDefinitions.View | Where-Object { $_.TableControl }) {
                [pscustomobject]@{ File = $file.Name; Name = $v.Name; Type = @($v.ViewSelectedBy.TypeName)[0]; Headers = @($v.TableControl.TableHeaders.TableColumnHeader) }
            }
        }
    }

    It 'fit 120 columns: fixed widths, one space between columns and at least the label for auto-sized columns' {
        $views.Count | Should -BeGreaterThan 10
        foreach ($v in $views) {
            $total = ($v.Headers | ForEach-Object { if ($_.Width) { [int]$_.Width } else { $_.Label.Length } } | Measure-Object -Sum).Sum + $v.Headers.Count - 1
            $total | Should -BeLessOrEqual 120 -Because "$($v.Name) in $($v.File) must fit a 120-column console"
            foreach ($h in $v.Headers | Where-Object Width) {
                $h.Label.Length | Should -BeLessOrEqual ([int]$h.Width) -Because "the header '$($h.Label)' of $($v.Name) would be cut"
            }
        }
    }

    It 'render every header whole on one line at Out-String -Width 120' {
        foreach ($v in $views) {
            $text = New-Object -TypeName $v.Type | Format-Table -View $v.Name | Out-String -Width 120
            $lines = @($text -split "`r?`n" | Where-Object { $_.Trim() })
            $rule = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -match '^[\s-]+$' -and $l.Contains('-') })
            $rule | Should -BeGreaterThan 0 -Because "$($v.Name) renders a table"
            foreach ($label in $v.Headers.Label) {
                $lines[$rule - 1] | Should -Match ('(^|\s)' + [regex]::Escape($label) + '(\s|$)') -Because "$($v.Name) shows the '$label' header whole"
            }
            ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 120
        }
    }
}

Describe '<Name> help reads right' -ForEach $cmdletCases {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
        $text = $help | Out-String -Width 400
    }

    It 'shows -WhatIf and -Confirm in SYNTAX when it supports ShouldProcess' {
        if ($command.Parameters.ContainsKey('WhatIf')) {
            foreach ($item in $help.syntax.syntaxItem) {
                @($item.parameter.name) | Should -Contain 'WhatIf'
                @($item.parameter.name) | Should -Contain 'Confirm'
            }
            ($help.parameters.parameter | Where-Object name -EQ 'WhatIf').description.Text | Should -Not -BeNullOrEmpty
        }
        else {
            $help.syntax.syntaxItem.parameter.name | Should -Not -Contain 'WhatIf'
        }
    }

    It 'shows no "None" default values' {
        $text | Should -Not -Match 'Default value\s+None\b'
    }

    It 'lists each related link once' {
        $links = @($help.relatedLinks.navigationLink | ForEach-Object { if ($_.uri) { $_.uri } else { $_.linkText } })
        $links | Group-Object | Where-Object Count -GT 1 | Should -BeNullOrEmpty
        $section = ($text -split 'RELATED LINKS')[-1]
        foreach ($uri in $help.relatedLinks.navigationLink.uri | Where-Object { $_ }) {
            ([regex]::Matches($section, [regex]::Escape($uri))).Count | Should -Be 1 -Because "$uri is printed once"
        }
    }
}

Describe 'README' {
    It 'lists exactly the exported cmdlets in its capability table, none marked unavailable' {
        $readme = Get-Content -Raw (Join-Path $env:EKSAUTOMODE_REPO_ROOT 'README.md')
        $rows = [regex]::Matches($readme, '(?m)^\| (`[A-Z][^|]*) \|[^|]*\| *([^|]*?) *\|\s*$')
        $rows.Count | Should -BeGreaterThan 5
        $claimed = foreach ($row in $rows) {
            $row.Groups[2].Value | Should -Be 'available' -Because "README must not list $($row.Groups[1].Value) unless it is available"
            [regex]::Matches($row.Groups[1].Value, '`([A-Za-z]+-[A-Za-z]+)`') | ForEach-Object { $_.Groups[1].Value }
        }
        @($claimed | Sort-Object -Unique) | Should -Be @((Get-Command -Module $module.Name -CommandType Cmdlet).Name | Sort-Object)
    }
}
