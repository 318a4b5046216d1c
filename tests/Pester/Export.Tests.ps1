# Export-AutoModeFinding: SARIF / JUnit / GitHub Actions output of findings, file writes, and the CI samples in
# examples/ci (their PowerShell is run against the examples/ manifests with the built module).

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module "$PSScriptRoot/Common.psm1" -Force
    $script:Root = $env:EKSAUTOMODE_REPO_ROOT
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('eam-export-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path (Join-Path $script:Work 'k8s') -Force | Out-Null
    Copy-Item (Join-Path $script:Root 'examples/automode/custom-nodeclass.yaml'), (Join-Path $script:Root 'examples/automode/builtin-nodepools.yaml') (Join-Path $script:Work 'k8s')
    Copy-Item (Join-Path $script:Root 'tests/Unit/TestData/Reporting/invalid-manifests.yaml') (Join-Path $script:Work 'k8s/bad.yaml')
   Push-Location $script:Work
    $script:Findings = @(Test-AutoModeManifest ./k8s)
    $script:WithOk = @(Test-AutoModeManifest ./k8s -PassThru)
    Pop-Location
    $script:Out = Join-Path $script:Work 'out'
    New-Item -ItemType Directory -Path $script:Out -Force | Out-Null

    # Parses YAML with a YamlDotNet copy from the test fixtures, in a fresh pwsh (so this process stays clean).
    function ConvertFrom-YamlFile([string] $Path) {
        $lib = Join-Path $env:EKSAUTOMODE_FIXTURES 'yamldotnet/11.2.1/lib/netstandard2.1/YamlDotNet.dll'
        $r = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$lib'
`$d = [YamlDotNet.Serialization.DeserializerBuilder]::new().Build()
`$d.Deserialize([IO.StringReader]::new([string](Get-Content -Raw '$Path'))) | ConvertTo-Json -Depth 30 -Compress
"@
        if ($r.ExitCode -ne 0) { throw "YAML parse of $Path failed: $($r.Error)" }
        return ($r.Output -join "`n") | ConvertFrom-Json -AsHashtable
    }

    # Runs one CI step's PowerShell as the CI runner would (its own pwsh), with the built module imported.
    function Invoke-CiStep([string] $Script, [string] $Directory, [string] $ManifestPath) {
        Invoke-FreshPwsh @"
Import-Module '$($env:EKSAUTOMODE_MODULE_PATH)'
Set-Location '$Directory'
`$env:MANIFEST_PATH = '$ManifestPath'
$Script
"@
    }
}

AfterAll {
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'Export-AutoModeFinding to the pipeline' {
    It 'writes one SARIF 2.1.0 log with paths relative to the current location and line/column regions' {
        Push-Location $script:Work
        try { $text = @($script:Findings | Export-AutoModeFinding -Format Sarif) } finally { Pop-Location }
        $text.Count | Should -Be 1
        $log = $text[0] | ConvertFrom-Json
        $log.version | Should -Be '2.1.0'
        $results = @($log.runs[0].results)
        $results.Count | Should -Be $script:Findings.Count
        $never = $script:Findings | Where-Object RuleId -eq 'AM-NP-001'
        $r = $results | Where-Object ruleId -eq 'AM-NP-001'
        $r.level | Should -Be 'error'
        $r.locations[0].physicalLocation.artifactLocation.uri | Should -Be 'k8s/bad.yaml'
        $r.locations[0].physicalLocation.artifactLocation.uriBaseId | Should -Be '%SRCROOT%'
        $r.locations[0].physicalLocation.region.startLine | Should -Be $never.Line
        $r.locations[0].physicalLocation.region.startColumn | Should -Be $never.Column
        ($results | Where-Object ruleId -eq 'AM-NC-006').level | Should -Be 'warning'
        $ids = @($log.runs[0].tool.driver.rules.id)
        $ids | Should -Be @($ids | Select-Object -Unique)
        $ids | Should -Contain 'AM-NP-001'
    }

    It 'makes paths relative to -BasePath instead' {
        $log = $script:Findings | Export-AutoModeFinding -Format Sarif -BasePath (Join-Path $script:Work 'k8s') | ConvertFrom-Json
        @($log.runs[0].results.locations.physicalLocation.artifactLocation.uri | Select-Object -Unique) | Should -Be @('bad.yaml')
        { $script:Findings | Export-AutoModeFinding -Format Sarif -BasePath (Join-Path $script:Work 'missing') } |
            Should -Throw -ErrorId 'BasePathNotFound,EksAutoMode.Commands.ExportAutoModeFindingCommand'
    }

    It 'writes one GitHub Actions command per finding, errors as ::error with file, line and col' {
        Push-Location $script:Work
        try { $lines = @($script:WithOk | Export-AutoModeFinding -Format GitHubActions) } finally { Pop-Location }
        $lines.Count | Should -Be $script:Findings.Count   # OK lines are not annotated
        $never = $script:Findings | Where-Object RuleId -eq 'AM-NP-001'
        @($lines | Where-Object { $_ -like "::error file=k8s/bad.yaml,line=$($never.Line),col=$($never.Column),title=AM-NP-001 NodePool 'batch'::spec.template.spec: *" }).Count | Should -Be 1
        @($lines | Where-Object { $_ -like '::warning file=k8s/bad.yaml,*title=AM-NC-006*' }).Count | Should -Be 1
        $lines | ForEach-Object { $_ | Should -Not -Match "[`r`n]" }
    }

    It 'writes JUnit with one test case per document, passes included from -PassThru' {
        [xml] $xml = $script:WithOk | Export-AutoModeFinding -Format JUnit
        $documents = @($script:WithOk | Select-Object File, DocumentIndex -Unique).Count
        [int] $xml.testsuites.tests | Should -Be $documents
        [int] $xml.testsuites.failures | Should -Be 2   # 'batch' and 'arn-role' have errors; 'tagged' only a warning
        $failed = @($xml.SelectNodes('//testcase[failure]'))
        $failed.name | Should -Be @("NodePool 'batch'", "NodeClass 'arn-role'")
        $failed[0].failure.InnerText | Should -Match 'AM-NP-001'
        $failed[1].failure.type | Should -Be 'AM-NC-001'
        $xml.SelectSingleNode("//testcase[@name=`"NodeClass 'tagged'`"]/system-out").InnerText | Should -Match 'AM-NC-006'
    }

    It 'takes an array given to -InputObject element by element' {
        $lines = @(Export-AutoModeFinding -InputObject $script:Findings -Format GitHubActions)
        $lines.Count | Should -Be $script:Findings.Count
    }

    It 'exports readiness-style objects by property name (CheckId, Severity, Evidence)' {
        $line = [pscustomobject]@{ CheckId = 'READY-001'; Severity = 'Warning'; Message = 'VPC CNI add-on is redundant: 50% of pods'; Evidence = @('vpc-cni', 'v1.19') } |
            Export-AutoModeFinding -Format GitHubActions
        $line | Should -Be '::warning title=READY-001::VPC CNI add-on is redundant: 50%25 of pods%0AEvidence: vpc-cni; v1.19'
        @{ RuleId = 'X-1'; Severity = 'Error'; Message = 'from a hashtable' } | Export-AutoModeFinding -Format GitHubActions | Should -Be '::error title=X-1::from a hashtable'
    }

    It 'refuses objects that are not findings with a non-terminating NotAFinding error and exports the rest' {
        $lines = @('just text', 42, $script:Findings[0] | Export-AutoModeFinding -Format GitHubActions -ErrorVariable ev -ErrorAction SilentlyContinue)
        $lines.Count | Should -Be 1
        $ev.Count | Should -Be 2
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'NotAFinding,*'
        $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$($ev[0])" | Should -Match "String 'just text'"
    }

    It 'writes an empty but valid report for no input (a clean run closes old alerts)' {
        $log = @() | Export-AutoModeFinding -Format Sarif | ConvertFrom-Json
        @($log.runs[0].results).Count | Should -Be 0
        ([xml](@() | Export-AutoModeFinding -Format JUnit)).testsuites.tests | Should -Be '0'
        @(@() | Export-AutoModeFinding -Format GitHubActions).Count | Should -Be 0
    }

    It 'refuses an unknown -Format before doing anything' {
        $file = Join-Path $script:Out 'html.out'
        { $script:Findings | Export-AutoModeFinding -Format Html -Path $file } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,EksAutoMode.Commands.ExportAutoModeFindingCommand'
        $file | Should -Not -Exist
    }
}

Describe 'Export-AutoModeFinding -Path' {
    BeforeEach {
        Get-ChildItem $script:Out -Force | Remove-Item -Force
    }

    It 'writes the file (UTF-8, no BOM), outputs nothing, and never binds -Path from a finding''s Path property' {
        Push-Location $script:Out
        try {
            $out = $script:Findings | Export-AutoModeFinding -Format Sarif -Path report.sarif
            $out | Should -BeNullOrEmpty
            # Without -Path the findings' Path (spec.template.spec…) must not become a file name.
            $null = $script:Findings | Export-AutoModeFinding -Format Sarif
        }
        finally { Pop-Location }
        @(Get-ChildItem $script:Out -Force).Name | Should -Be @('report.sarif')
        $bytes = [IO.File]::ReadAllBytes((Join-Path $script:Out 'report.sarif'))
        $bytes[0] | Should -Be ([byte][char]'{')
        (Get-Content -Raw (Join-Path $script:Out 'report.sarif') | ConvertFrom-Json).runs[0].results.Count | Should -Be $script:Findings.Count
    }

    It 'creates missing folders, and -LiteralPath takes brackets literally' {
        $file = Join-Path $script:Out 'a[1]/r.xml'
        $script:WithOk | Export-AutoModeFinding -Format JUnit -LiteralPath $file
        Test-Path -LiteralPath $file | Should -BeTrue
        Remove-Item -LiteralPath (Join-Path $script:Out 'a[1]') -Recurse -Force
        # -Path: a pattern that matches nothing names a new file (as with Export-Csv); one that matches many is refused.
        Push-Location $script:Out
        try {
            $script:Findings | Export-AutoModeFinding -Format Sarif -Path 'r[1].sarif'
            Test-Path -LiteralPath (Join-Path $script:Out 'r[1].sarif') | Should -BeTrue
            Set-Content x1.sarif 'one'; Set-Content x2.sarif 'two'
            { $script:Findings | Export-AutoModeFinding -Format Sarif -Path 'x*.sarif' } |
                Should -Throw -ErrorId 'PathNotSingleFile,EksAutoMode.Commands.ExportAutoModeFindingCommand'
            (Get-Content x1.sarif) | Should -Be 'one'
        }
        finally { Pop-Location }
    }

    It 'overwrites by default, refuses with -NoClobber (OutputFileExists) and keeps the old file' {
        $file = Join-Path $script:Out 'r.sarif'
        Set-Content $file 'old'
        $script:Findings | Export-AutoModeFinding -Format Sarif -Path $file
        (Get-Content -Raw $file) | Should -Match '"version": "2.1.0"'
        Set-Content $file 'old'
        { $script:Findings | Export-AutoModeFinding -Format Sarif -Path $file -NoClobber } |
            Should -Throw -ErrorId 'OutputFileExists,EksAutoMode.Commands.ExportAutoModeFindingCommand'
        (Get-Content -Raw $file).Trim() | Should -Be 'old'
    }

    It 'replaces a read-only file only with -Force' {
        $file = Join-Path $script:Out 'ro.sarif'
        Set-Content $file 'old'
        Set-ItemProperty $file -Name IsReadOnly -Value $true
        { $script:Findings | Export-AutoModeFinding -Format Sarif -Path $file } |
            Should -Throw -ErrorId 'FileReadOnly,EksAutoMode.Commands.ExportAutoModeFindingCommand'
        (Get-Content -Raw $file).Trim() | Should -Be 'old'
        $script:Findings | Export-AutoModeFinding -Format Sarif -Path $file -Force
        (Get-Content -Raw $file) | Should -Match '"version": "2.1.0"'
    }

    It 'writes nothing, not even a temporary file, when the pipeline fails before the end' {
        $file = Join-Path $script:Out 'partial.sarif'
        { & { $script:Findings[0]; throw 'upstream failure' } | Export-AutoModeFinding -Format Sarif -Path $file } | Should -Throw '*upstream failure*'
        @(Get-ChildItem $script:Out -Force) | Should -BeNullOrEmpty
        # An existing report is left exactly as it was.
        Set-Content $file 'previous'
        { & { $script:Findings[0]; throw 'upstream failure' } | Export-AutoModeFinding -Format Sarif -Path $file } | Should -Throw
        (Get-Content -Raw $file).Trim() | Should -Be 'previous'
        @(Get-ChildItem $script:Out -Force).Name | Should -Be @('partial.sarif')
    }

    It 'fails with a clear error and no stray file when the target is a directory' {
        New-Item -ItemType Directory (Join-Path $script:Out 'dir') | Out-Null
        { $script:Findings | Export-AutoModeFinding -Format JUnit -Path (Join-Path $script:Out 'dir') } |
            Should -Throw -ErrorId 'PathIsDirectory,EksAutoMode.Commands.ExportAutoModeFindingCommand'
        @(Get-ChildItem $script:Out -Force -Recurse).Name | Should -Be @('dir')
    }

    It 'reports a write failure as OutputWriteFailed and leaves no temporary file' {
        $blocker = Join-Path $script:Out 'not-a-folder'
        Set-Content $blocker 'file'
        { $script:Findings | Export-AutoModeFinding -Format Sarif -Path (Join-Path $blocker 'r.sarif') } |
            Should -Throw -ErrorId 'OutputWriteFailed,EksAutoMode.Commands.ExportAutoModeFindingCommand'
        @(Get-ChildItem $script:Out -Force -Recurse).Name | Should -Be @('not-a-folder')
    }

    It 'writes nothing with -WhatIf' {
        $file = Join-Path $script:Out 'whatif.sarif'
        $script:Findings | Export-AutoModeFinding -Format Sarif -Path $file -WhatIf
        $file | Should -Not -Exist
        @(Get-ChildItem $script:Out -Force) | Should -BeNullOrEmpty
    }
}

Describe 'CI samples in examples/ci' {
    BeforeAll {
        $script:Repo = Join-Path $script:Work 'repo'
        New-Item -ItemType Directory $script:Repo -Force | Out-Null
        Copy-Item -Recurse (Join-Path $script:Root 'examples') (Join-Path $script:Repo 'examples')
        # The samples gate a folder of manifests; the CI and runbook samples themselves are not manifests.
        Remove-Item -Recurse (Join-Path $script:Repo 'examples/ci'), (Join-Path $script:Repo 'examples/runbooks')
        $script:Documents = @(Test-AutoModeManifest (Join-Path $script:Repo 'examples') -Recurse -PassThru | Select-Object File, DocumentIndex -Unique).Count
    }

    It 'GitHub Actions: installs the module, exports SARIF, uploads it with upload-sarif and gates' {
        $wf = ConvertFrom-YamlFile (Join-Path $script:Root 'examples/ci/github-actions.yml')
        $steps = @($wf.jobs.validate.steps)
        $wf.permissions.'security-events' | Should -Be 'write'
        ($steps | Where-Object { $_.run -match 'Install-PSResource -Name EksAutoMode' }) | Should -Not -BeNullOrEmpty
        $upload = $steps | Where-Object { $_.uses -like 'github/codeql-action/upload-sarif@*' }
        $upload.with.sarif_file | Should -Be 'results/eksautomode.sarif'
        $validate = $steps | Where-Object name -eq 'Validate manifests'
        $gate = $steps | Where-Object name -eq 'Gate'
        $validate.shell | Should -Be 'pwsh'
        $gate.shell | Should -Be 'pwsh'

        # examples/ holds one invalid NodeClass on purpose: annotations, a valid SARIF file, a failing gate.
        Remove-Item (Join-Path $script:Repo 'results') -Recurse -Force -ErrorAction SilentlyContinue
        $run = Invoke-CiStep $validate.run $script:Repo 'examples'
        $run.ExitCode | Should -Be 0
        @($run.Output | Where-Object { $_ -like '::error file=examples/automode/nodeclass-no-selectors.yaml,line=*,title=K8S-Required*' }).Count | Should -Be 2
        $sarifFile = Join-Path $script:Repo $upload.with.sarif_file
        $sarifFile | Should -Exist
        $log = Get-Content -Raw $sarifFile | ConvertFrom-Json
        $log.runs[0].results.locations.physicalLocation.artifactLocation.uri | Should -Contain 'examples/automode/nodeclass-no-selectors.yaml'
        (Invoke-CiStep $gate.run $script:Repo 'examples').ExitCode | Should -Be 1

        # With the invalid file gone the gate passes.
        Remove-Item (Join-Path $script:Repo 'examples/automode/nodeclass-no-selectors.yaml')
        try { (Invoke-CiStep $gate.run $script:Repo 'examples').ExitCode | Should -Be 0 }
        finally { Copy-Item (Join-Path $script:Root 'examples/automode/nodeclass-no-selectors.yaml') (Join-Path $script:Repo 'examples/automode') }
    }

    It 'Azure Pipelines: installs the module, writes JUnit with one case per document and publishes it' {
        $pipeline = ConvertFrom-YamlFile (Join-Path $script:Root 'examples/ci/azure-pipelines.yml')
        $steps = @($pipeline.steps)
        ($steps | Where-Object { $_.pwsh -match 'Install-PSResource -Name EksAutoMode' }) | Should -Not -BeNullOrEmpty
        $publish = $steps | Where-Object task -eq 'PublishTestResults@2'
        $publish.inputs.testResultsFormat | Should -Be 'JUnit'
        $validate = $steps | Where-Object displayName -eq 'Validate manifests'

        $run = Invoke-CiStep $validate.pwsh $script:Repo 'examples'
        $run.ExitCode | Should -Be 0
        $junit = Join-Path $script:Repo $publish.inputs.testResultsFiles
        [xml] $xml = Get-Content -Raw $junit
        [int] $xml.testsuites.tests | Should -Be $script:Documents
        [int] $xml.testsuites.failures | Should -Be 1
        $xml.SelectSingleNode('//testcase[failure]').classname | Should -Be 'examples/automode/nodeclass-no-selectors.yaml'
    }
}
