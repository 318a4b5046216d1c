# Issue 12: the CI gate fails closed, hostile input is bounded, converters write only what validates,
# and what the API server rejects in labels/annotations we reject.
BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    $script:Root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:Examples = Join-Path $script:Root 'examples'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('eam-gate-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path (Join-Path $script:Work 'empty') -Force | Out-Null
    $script:PoolFile = Join-Path $script:Examples 'automode/custom-nodepool.yaml'
    $script:ClassFile = Join-Path $script:Examples 'automode/custom-nodeclass.yaml'
    function script:Gate([scriptblock] $Run) {
        # Runs a -Quiet check; returns the verdict and the error records it wrote.
        $ErrorActionPreference = 'Continue'
        $out = @(& $Run 2>&1)
        $errors = @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $verdict = $out | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }
        [pscustomobject]@{ Verdict = $verdict; Errors = $errors; Ids = @($errors | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) }
    }
    function script:NewFile([string] $Name, [string] $Text) {
        $path = Join-Path $script:Work $Name
        Set-Content -LiteralPath $path -Value $Text -Encoding utf8NoBOM -NoNewline
        $path
    }
}

AfterAll {
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'Test-AutoModeManifest -Quiet fails closed' {
    It 'is False with a PathNotFound error (and a finding) for a path that does not exist' {
        $missing = Join-Path $script:Work 'nope.yaml'
        $r = Gate { Test-AutoModeManifest -Path $missing -Quiet }
        $r.Verdict | Should -BeFalse
        $r.Ids | Should -Contain 'PathNotFound'
        $f = @(Test-AutoModeManifest -LiteralPath $missing -ErrorAction SilentlyContinue)
        $f.RuleId | Should -Contain 'INPUT-PathNotFound'
        ($f | Where-Object RuleId -eq 'INPUT-PathNotFound').Severity | Should -Be 'Error'
    }

    It 'is False with NoManifestFound for a folder without YAML/JSON and for a file of comments only' {
        $r = Gate { Test-AutoModeManifest -Path (Join-Path $script:Work 'empty') -Quiet }
        $r.Verdict | Should -BeFalse
        $r.Ids | Should -Be @('NoManifestFound')
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $comments = NewFile 'comments.yaml' "# nothing here`n"
        $r = Gate { Test-AutoModeManifest -Path $comments -Quiet }
        $r.Verdict | Should -BeFalse
        $r.Ids | Should -Be @('NoManifestFound')
    }

    It 'is False for a document that is not a Kubernetes object, with file and line' {
        $compose = NewFile 'compose.yaml' "services:`n  web:`n    image: nginx`n"
        $r = Gate { Test-AutoModeManifest -Path $compose -Quiet }
        $r.Verdict | Should -BeFalse
        $r.Ids | Should -Be @('NotKubernetesObject')
        $r.Errors[0].Exception.Message | Should -BeLike "$compose`:1:1: *not a Kubernetes object*no apiVersion and kind*"
        $r.Errors[0].TargetObject | Should -Be $compose
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'names the kind that was meant for near misses: <Case>' -ForEach @(
        @{ Case = 'kind: Nodepool'; ApiVersion = 'karpenter.sh/v1'; Kind = 'Nodepool'; Id = 'KindNearMiss'; Meant = 'apiVersion: karpenter.sh/v1, kind: NodePool' }
        @{ Case = 'kind: NodePools'; ApiVersion = 'karpenter.sh/v1'; Kind = 'NodePools'; Id = 'KindNearMiss'; Meant = 'kind: NodePool' }
        @{ Case = 'NodeClass under karpenter.k8s.aws'; ApiVersion = 'karpenter.k8s.aws/v1'; Kind = 'NodeClass'; Id = 'ApiVersionNearMiss'; Meant = 'apiVersion: eks.amazonaws.com/v1, kind: NodeClass (the Auto Mode node class)' }
        @{ Case = 'EC2NodeClass under eks.amazonaws.com'; ApiVersion = 'eks.amazonaws.com/v1'; Kind = 'EC2NodeClass'; Id = 'ApiVersionNearMiss'; Meant = 'apiVersion: karpenter.k8s.aws/v1, kind: EC2NodeClass' }
        @{ Case = 'NodePool under eks.amazonaws.com'; ApiVersion = 'eks.amazonaws.com/v1'; Kind = 'NodePool'; Id = 'ApiVersionNearMiss'; Meant = 'apiVersion: karpenter.sh/v1, kind: NodePool' }
        @{ Case = 'misspelt group'; ApiVersion = 'karpenter.sh.io/v1'; Kind = 'NodePool'; Id = 'ApiVersionNearMiss'; Meant = 'apiVersion: karpenter.sh/v1' }
        @{ Case = 'ec2nodeclass in lower case'; ApiVersion = 'karpenter.k8s.aws/v1'; Kind = 'ec2nodeclass'; Id = 'KindNearMiss'; Meant = 'kind: EC2NodeClass' }
    ) {
        $text = "apiVersion: $ApiVersion`nkind: $Kind`nmetadata:`n  name: x`n"
        $r = Gate { Test-AutoModeManifest -InputObject $text -Quiet }
        $r.Verdict | Should -BeFalse
        $r.Ids | Should -Be @($Id)
        $r.Errors[0].Exception.Message | Should -BeLike "*Did you mean*$Meant*"
        $r.Errors[0].Exception.Message | Should -Match '^<input>:[12]:\d+: '
    }

    It 'is False for a NodePool without apiVersion, and says which apiVersion it needs' {
        $r = Gate { Test-AutoModeManifest -InputObject "kind: NodePool`nmetadata: {name: a}`n" -Quiet }
        $r.Verdict | Should -BeFalse
        $r.Ids | Should -Be @('NotKubernetesObject')
        $r.Errors[0].Exception.Message | Should -BeLike '*no apiVersion*Did you mean apiVersion: karpenter.sh/v1, kind: NodePool*'
    }

    It 'skips other Kubernetes kinds with a debug line, and is False when nothing was checked' {
        $deploy = "apiVersion: apps/v1`nkind: Deployment`nmetadata: {name: web}`n---`napiVersion: karpenter.sh/v1`nkind: NodeClaim`nmetadata: {name: c}`n"
        $r = Gate { Test-AutoModeManifest -InputObject $deploy -Quiet }
        $r.Verdict | Should -BeFalse
        $r.Ids | Should -Be @('NoManifestChecked')
        $r.Errors[0].Exception.Message | Should -BeLike '*nothing was checked (2 other document(s) skipped*'
        $debug = @(Test-AutoModeManifest -InputObject $deploy -Debug -ErrorAction SilentlyContinue 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] })
        ($debug.Message -join "`n") | Should -Match 'Skipped apps/v1 Deployment ''web'''
        # With a checked document next to them, they are no error.
        $pool = Get-Content -Raw $script:PoolFile
        Test-AutoModeManifest -InputObject ($deploy + "---`n" + $pool) -Quiet | Should -BeTrue
    }

    It 'is True only when something was checked and nothing failed; -Strict makes warnings failures' {
        Test-AutoModeManifest -Path $script:ClassFile, $script:PoolFile -Quiet | Should -BeTrue
        $unset = (Get-Content -Raw $script:PoolFile) -replace '(?m)^\s+expireAfter:.*\r?\n', ''
        Test-AutoModeManifest -InputObject $unset -Quiet | Should -BeTrue         # AM-NP-003 is a warning
        Test-AutoModeManifest -InputObject $unset -Quiet -Strict | Should -BeFalse
        (Gate { '' | Test-AutoModeManifest -Quiet }).Verdict | Should -BeFalse
    }

    It 'reports a syntax error and still checks the documents after the next ---' {
        $pool = Get-Content -Raw $script:PoolFile
        $bad = "apiVersion: karpenter.sh/v1`nkind: NodePool`nmetadata: {name: broken`nspec: [`n"
        $never = $pool -replace 'expireAfter: \S+', 'expireAfter: Never'
        $file = NewFile 'three.yaml' ($pool.TrimEnd() + "`n---`n" + $bad + "---`n" + $never)
        $errors = $null
        $f = @(Test-AutoModeManifest -Path $file -ErrorVariable errors -ErrorAction SilentlyContinue)
        @($errors | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be @('YamlSyntaxError')
        $errors[0].CategoryInfo.Category | Should -Be 'ParserError'
        $syntax = $f | Where-Object RuleId -eq 'INPUT-YamlSyntaxError'
        $syntax.DocumentIndex | Should -Be 1
        $firstLines = ($pool.TrimEnd() -split "`n").Count
        $syntax.Line | Should -BeGreaterThan $firstLines
        # The third document is still checked: its Never is found, at its own line.
        $neverFinding = $f | Where-Object RuleId -eq 'AM-NP-001'
        $neverFinding | Should -Not -BeNullOrEmpty
        $neverFinding.DocumentIndex | Should -Be 2
        $neverFinding.Line | Should -BeGreaterThan ($firstLines + 5)
        (Gate { Test-AutoModeManifest -Path $file -Quiet }).Verdict | Should -BeFalse
    }

    It 'joins Get-Content lines per file: the file''s documents, names and line numbers' {
        $pool = Get-Content -Raw $script:PoolFile
        $never = NewFile 'never.yaml' ($pool -replace 'expireAfter: \S+', 'expireAfter: Never')
        Get-Content $script:PoolFile | Test-AutoModeManifest -Quiet | Should -BeTrue
        Get-Content $never | Test-AutoModeManifest -Quiet | Should -BeFalse
        $f = @(Get-Content $never | Test-AutoModeManifest | Where-Object RuleId -eq 'AM-NP-001')
        $f.Count | Should -Be 1
        $f[0].File | Should -Be $never
        $f[0].Line | Should -Be (Test-AutoModeManifest -LiteralPath $never | Where-Object RuleId -eq 'AM-NP-001').Line
        $f[0].Line | Should -BeGreaterThan 1
        # Two files through one pipeline stay two files.
        $both = @(Get-Content $script:PoolFile, $never | Test-AutoModeManifest -PassThru)
        ($both | Where-Object RuleId -eq 'OK').File | Should -Be $script:PoolFile
        ($both | Where-Object RuleId -eq 'AM-NP-001').File | Should -Be $never
        # -InputObject with an array of lines, as from (Get-Content f).
        Test-NodePoolSpec -InputObject (Get-Content $never) -Quiet | Should -BeFalse
        Test-NodePoolSpec -InputObject (Get-Content $script:PoolFile) -Quiet | Should -BeTrue
    }

    It 'accepts plain manifest strings in every validation cmdlet and both converters' {
        $pool = Get-Content -Raw $script:PoolFile
        $class = Get-Content -Raw $script:ClassFile
        Test-NodePoolSpec -InputObject $pool -Quiet | Should -BeTrue
        Test-NodeClassSpec -InputObject $class -Quiet | Should -BeTrue
        $class | Test-AutoModeManifest -Quiet | Should -BeTrue
        (Get-Content $script:ClassFile | ConvertTo-OssKarpenter).TargetKind | Should -Be 'EC2NodeClass'
        $oss = Get-Content -Raw (Join-Path $script:Examples 'karpenter/ec2nodeclass-al2023.yaml')
        ($oss | ConvertFrom-OssKarpenter).TargetKind | Should -Be 'NodeClass'
    }
}

Describe 'Hostile input' {
    It 'ends a billion-laughs file, deep nesting and huge lines with an error naming the limit: <Case>' -ForEach @(
        @{ Case = 'billion laughs'; Id = 'AliasExpansionLimit'; Limit = 'MaxAliasExpandedNodes'; Make = { "a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]`n" + (-join (1..9 | ForEach-Object { $i = $_; "a$i`: &a$i [" + ((1..10 | ForEach-Object { "*a$($i - 1)" }) -join ',') + "]`n" })) } }
        @{ Case = '100,000 ['; Id = 'NestingTooDeep'; Limit = 'MaxDepth'; Make = { '[' * 100000 } }
        @{ Case = '100,000 {"a":'; Id = 'NestingTooDeep'; Limit = 'MaxDepth'; Make = { '{"a":' * 100000 } }
        @{ Case = '10 MB line'; Id = 'InputTooLarge'; Limit = '5 MB'; Make = { 'a: ' + ('x' * 10MB) } }
        @{ Case = '2 MB line'; Id = 'LineTooLong'; Limit = 'MaxLineLength'; Make = { 'a: ' + ('x' * 2MB) } }
    ) {
        $text = & $Make
        $file = NewFile "hostile-$($Id.ToLowerInvariant()).yaml" $text
        $errors = $null
        $job = [System.Diagnostics.Stopwatch]::StartNew()
        $verdict = Test-AutoModeManifest -Path $file -Quiet -ErrorVariable errors -ErrorAction SilentlyContinue
        $job.Elapsed.TotalSeconds | Should -BeLessThan 30   # hang guard only; bench/validation.bench.ps1 reports the times
        $verdict | Should -BeFalse
        $ids = @($errors | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] })
        $ids | Should -Contain $Id
        ($errors | Where-Object { $_.FullyQualifiedErrorId -like "$Id,*" }).Exception.Message | Should -BeLike "*$Limit*"
        ($errors | Where-Object { $_.FullyQualifiedErrorId -like "$Id,*" }).CategoryInfo.Category | Should -Be 'LimitsExceeded'
    }

    It 'escapes control and escape characters from input in messages and formatted output' {
        $text = "apiVersion: karpenter.sh/v1`nkind: ""NodePoo`e""`nmetadata: {name: x}`n"
        $r = Gate { Test-AutoModeManifest -InputObject $text -Quiet }
        $r.Ids | Should -Be @('KindNearMiss')
        $r.Errors[0].Exception.Message | Should -Not -Match "`e"
        $r.Errors[0].Exception.Message | Should -BeLike '*kind: NodePoo\e (karpenter.sh/v1)*'
        $pool = (Get-Content -Raw $script:PoolFile) -replace '(?m)^  name: .*$', "  name: ""x`e[31my`u{202E}z"""
        $f = @(Test-AutoModeManifest -InputObject $pool)
        $f[0].Name | Should -Be 'x\e[31my\u202Ez'
        $shown = ($f | Format-Table | Out-String -Width 300) + ($f | Format-List | Out-String -Width 300) + ($f | ForEach-Object ToString)
        $shown | Should -Not -Match "[`e`u{202E}]"
        $shown | Should -Match 'K8S-Name'
    }
}
