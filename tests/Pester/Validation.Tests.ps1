BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    $script:Root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:Examples = Join-Path $script:Root 'examples'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('eam-val-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path (Join-Path $script:Work 'k8s/nested') -Force | Out-Null
    Copy-Item (Join-Path $script:Examples 'automode/builtin-*.yaml') (Join-Path $script:Work 'k8s')
    Copy-Item (Join-Path $script:Examples 'automode/custom-nodeclass.yaml'), (Join-Path $script:Examples 'automode/custom-nodepool.yaml') (Join-Path $script:Work 'k8s/nested')
    $script:Clean = Join-Path $script:Work 'k8s'
    $script:NeverPool = @'
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: custom-pool
spec:
  template:
    spec:
      expireAfter: Never
      nodeClassRef:
        group: eks.amazonaws.com
        kind: NodeClass
        name: private-compute
      requirements:
        - key: kubernetes.io/arch
          operator: In
          values: ["amd64"]
'@
    $script:LongRole = @"
apiVersion: eks.amazonaws.com/v1
kind: NodeClass
metadata:
  name: custom-class
spec:
  role: automode-eks-AmazonEKSAutoNodeRole-$('x' * 40)
  subnetSelectorTerms:
    - id: subnet-1234567890123
  securityGroupSelectorTerms:
    - id: sg-1234567890
"@
}

AfterAll {
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'Test-AutoModeManifest' {
    It 'finds nothing wrong in the built-ins and examples, and says OK for each with -PassThru' {
        @(Test-AutoModeManifest -Path $script:Clean -Recurse) | Should -BeNullOrEmpty
        $ok = @(Test-AutoModeManifest -Path $script:Clean -Recurse -PassThru)
        $ok.Count | Should -Be 5
        $ok.RuleId | Sort-Object -Unique | Should -Be 'OK'
        $ok.Severity | Sort-Object -Unique | Should -Be 'Info'
        ($ok | Where-Object Name -eq 'system').Message | Should -Be "NodePool 'system' is valid for AutoMode"
        $ok[0] | Should -BeOfType ([EksAutoMode.ValidationFinding])
    }

    It 'supports the CI pattern: -Quiet returns one bool, False once an error is present' {
        Test-AutoModeManifest $script:Clean -Recurse -Quiet | Should -BeTrue
        Set-Content (Join-Path $script:Work 'k8s/nested/never.yaml') $script:NeverPool
        try {
            $result = @(Test-AutoModeManifest $script:Clean -Recurse -Quiet)
            $result.Count | Should -Be 1
            $result[0] | Should -BeFalse
            # Without -Recurse the nested folder is not searched.
            Test-AutoModeManifest $script:Clean -Quiet | Should -BeTrue
            $ci = "Import-Module '$($env:EKSAUTOMODE_MODULE_PATH)'; if (-not (Test-AutoModeManifest '$($script:Clean)' -Recurse -Quiet)) { exit 1 }; exit 0"
            & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $ci
            $LASTEXITCODE | Should -Be 1
        }
        finally {
            Remove-Item (Join-Path $script:Work 'k8s/nested/never.yaml')
        }
        & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "Import-Module '$($env:EKSAUTOMODE_MODULE_PATH)'; if (-not (Test-AutoModeManifest '$($script:Clean)' -Recurse -Quiet)) { exit 1 }; exit 0"
        $LASTEXITCODE | Should -Be 0
    }

    It 'reproduces the article''s expireAfter: Never rejection with file, line and column' {
        $file = Join-Path $script:Work 'never.yaml'
        Set-Content $file $script:NeverPool
        $f = @(Test-AutoModeManifest -Path $file)
        $f.Count | Should -Be 2
        # The message says why the rule cannot be evaluated in plain words; ApiServerText keeps the API server's line.
        $f[0].ToString() | Should -BeLike "*never.yaml:8:7: error AM-NP-002: spec.template.spec: Invalid value: ""object"": the sum of expireAfter and terminationGracePeriod (defaulted to 24h) may not exceed 21 days (the rule cannot be evaluated: a value is not a duration such as 336h or 30m) (largest allowed expireAfter: 480h with terminationGracePeriod 24h)"
        $f[0].Message | Should -Not -Match 'protobuf'
        $f[0].ApiServerText | Should -Be "spec.template.spec: Invalid value: ""object"": type conversion error from 'string' to 'google.protobuf.Duration' evaluating rule: the sum of expireAfter and terminationGracePeriod (defaulted to 24h) may not exceed 21 days"
        $f[1].Path | Should -Be 'spec.template.spec'
        $f[1].Message | Should -Be 'Invalid value: "object": expireAfter may not be set to Never (largest allowed expireAfter: 480h with terminationGracePeriod 24h)'
        $f[1].ApiServerText | Should -Be 'spec.template.spec: Invalid value: "object": expireAfter may not be set to Never'
        $f[1].Hint | Should -Match 'largest allowed expireAfter is 480h'
        $f[1].SourceUrl | Should -Match '^https://'
        ($f | Select-Object -First 1).File | Should -Be $file
    }

    It 'makes a syntax error one Error finding with line and column, and one non-terminating error record' {
        $file = Join-Path $script:Work 'broken.yaml'
        Set-Content $file "apiVersion: karpenter.sh/v1`nkind: NodePool`nspec:`n  template: [1, 2`n"
        $f = @(Test-AutoModeManifest -Path $file -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'YamlSyntaxError,*'
        $errs[0].Exception.Message | Should -BeLike "$file`:*:*: YAML syntax error*"
        $f.Count | Should -Be 1
        $f[0].Severity | Should -Be 'Error'
        $f[0].RuleId | Should -Be 'INPUT-YamlSyntaxError'
        $f[0].Line | Should -BeGreaterThan 3
        $f[0].Column | Should -BeGreaterThan 0
        Test-AutoModeManifest -Path $file -Quiet -ErrorAction SilentlyContinue | Should -BeFalse
    }

    It 'reports binary files instead of failing' {
        $file = Join-Path $script:Work 'binary.yaml'
        [IO.File]::WriteAllBytes($file, [byte[]](0x7F, 0x45, 0x4C, 0x46, 0, 1, 2, 3))
        (Test-AutoModeManifest -LiteralPath $file -ErrorAction SilentlyContinue).RuleId | Should -Be 'INPUT-BinaryInput'
    }

    It 'writes a non-terminating PathNotFound for a missing path and goes on' {
        $f = @(Test-AutoModeManifest -Path (Join-Path $script:Work 'nope.yaml'), (Join-Path $script:Work 'never.yaml') -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $f.Count | Should -Be 3   # the path's own INPUT-PathNotFound finding, then never.yaml's two
        $f[0].RuleId | Should -Be 'INPUT-PathNotFound'
    }

    It 'counts warnings as failures only with -Strict' {
        $file = Join-Path $script:Work 'tags.yaml'
        (Get-Content -Raw (Join-Path $script:Examples 'automode/custom-nodeclass.yaml')) + "  tags:`n    team: web`n" | Set-Content $file
        $f = @(Test-AutoModeManifest $file)
        $f.RuleId | Should -Be 'AM-NC-006'
        $f.Severity | Should -Be 'Warning'
        $f.Hint | Should -Match 'ec2:CreateFleet'
        Test-AutoModeManifest $file -Quiet | Should -BeTrue
        Test-AutoModeManifest $file -Quiet -Strict | Should -BeFalse
    }

    It 'accepts files piped from Get-ChildItem, YAML text, hashtables and ConvertFrom-Json objects' {
        $piped = @(Get-ChildItem $script:Clean -Recurse -Filter *.yaml | Test-AutoModeManifest -PassThru)
        $piped.Count | Should -Be 5
        (@($script:NeverPool | Test-AutoModeManifest)).RuleId | Should -Be @('AM-NP-002', 'AM-NP-001')
        $pool = @{ apiVersion = 'karpenter.sh/v1'; kind = 'NodePool'; metadata = @{ name = 'batch' }
            spec = @{ template = @{ spec = @{ expireAfter = 'Never'
                        nodeClassRef = @{ group = 'eks.amazonaws.com'; kind = 'NodeClass'; name = 'default' }
                        requirements = @(@{ key = 'kubernetes.io/arch'; operator = 'In'; values = @('arm64') }) } } } }
        $fromHash = @($pool | Test-AutoModeManifest)
        $fromHash.RuleId | Should -Contain 'AM-NP-001'
        $fromHash[0].Line | Should -Be 0
        $json = '{"apiVersion":"eks.amazonaws.com/v1","kind":"NodeClass","metadata":{"name":"j"},"spec":{"role":"arn:aws:iam::123456789012:role/MyNodeRole","subnetSelectorTerms":[{"id":"subnet-1"}],"securityGroupSelectorTerms":[{"id":"sg-1"}]}}'
        $fromJson = @($json | ConvertFrom-Json | Test-AutoModeManifest)
        $fromJson.RuleId | Should -Be 'AM-NC-001'
        $fromJson.Hint | Should -Match 'role: MyNodeRole'
        (@(Test-AutoModeManifest -InputObject $json)).RuleId | Should -Be 'AM-NC-001'
    }

    It 'validates against a user-supplied CRD with -CrdPath and rejects a file that is not a CRD' {
        $crd = @'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: nodepools.karpenter.sh}
spec:
  group: karpenter.sh
  names: {kind: NodePool, plural: nodepools}
  scope: Cluster
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              weight: {type: integer, maximum: 10}
            x-kubernetes-validations:
            - rule: "has(self.weight)"
              message: a newer rule says weight is required
'@
        $crdFile = Join-Path $script:Work 'nodepools.crd.yaml'
        Set-Content $crdFile $crd
        $poolFile = Join-Path $script:Work 'pool.yaml'
        Set-Content $poolFile "apiVersion: karpenter.sh/v1`nkind: NodePool`nmetadata: {name: p}`nspec:`n  template: {}`n"
        $f = @(Test-AutoModeManifest $poolFile -CrdPath $crdFile -Target Karpenter)
        ($f | Where-Object RuleId -eq 'K8S-Cel').Message | Should -Be 'Invalid value: "object": a newer rule says weight is required'
        Set-Content $poolFile "apiVersion: karpenter.sh/v1`nkind: NodePool`nmetadata: {name: p}`nspec:`n  weight: 11`n"
        (Test-AutoModeManifest $poolFile -CrdPath $crdFile -Target Karpenter).ToString() | Should -BeLike '*: error K8S-Maximum: spec.weight: Invalid value: 11: spec.weight in body should be less than or equal to 10'
        { Test-AutoModeManifest $poolFile -CrdPath $poolFile -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidCrd*'
    }

    It 'shows findings in a table grouped by file' {
        $file = Join-Path $script:Work 'never.yaml'
        $text = Test-AutoModeManifest $file | Out-String -Width 250
        $text | Should -Match 'File: .*never\.yaml'
        $text | Should -Match 'AM-NP-001'
        $text | Should -Match '8:7'
    }
}

Describe 'Test-NodeClassSpec' {
    It 'reproduces the article''s role rejection: "spec.role: Too long: may not be more than 64 bytes"' {
        $f = @($script:LongRole | Test-NodeClassSpec)
        $tooLong = $f | Where-Object RuleId -eq 'K8S-MaxLength'
        "$($tooLong.Path): $($tooLong.Message)" | Should -Be 'spec.role: Too long: may not be more than 64 bytes'
        $tooLong.Line | Should -Be 6
        ($f | Where-Object RuleId -eq 'K8S-CelNotChecked').Message | Should -Match 'some validation rules were not checked'
    }

    It 'checks only node classes and skips NodePools (reported with -Verbose)' {
        $both = $script:NeverPool + "`n---`n" + $script:LongRole
        $f = @($both | Test-NodeClassSpec -Verbose 4>&1)
        $verbose = $f | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $findings = $f | Where-Object { $_ -is [EksAutoMode.ValidationFinding] }
        $findings.Kind | Sort-Object -Unique | Should -Be 'NodeClass'
        ($verbose.Message -join "`n") | Should -Match 'Skipped karpenter.sh/v1 NodePool'
    }

    It 'validates an EC2NodeClass for OSS Karpenter' {
        $ec2 = "apiVersion: karpenter.k8s.aws/v1`nkind: EC2NodeClass`nmetadata: {name: e}`nspec:`n  role: R`n  instanceProfile: P`n  amiSelectorTerms: [{alias: al2023@latest}]`n  subnetSelectorTerms: [{id: subnet-1}]`n  securityGroupSelectorTerms: [{id: sg-1}]`n"
        $f = @($ec2 | Test-NodeClassSpec)
        $f.Message | Should -Be "Invalid value: ""object"": must specify exactly one of ['role', 'instanceProfile']"
        $f.Target | Should -Be 'Karpenter'
    }
}

Describe 'Test-NodePoolSpec' {
    It 'infers the target from nodeClassRef.group and honours -Target' {
        $oss = $script:NeverPool -replace 'eks.amazonaws.com', 'karpenter.k8s.aws' -replace 'kind: NodeClass', 'kind: EC2NodeClass'
        @($oss | Test-NodePoolSpec) | Should -BeNullOrEmpty
        $asAutoMode = @($oss | Test-NodePoolSpec -Target AutoMode)
        $asAutoMode.RuleId | Should -Contain 'AM-NP-006'
        $asAutoMode.RuleId | Should -Contain 'AM-NP-001'
    }

    It 'warns about a NodePool whose NodeClass is not in the input only when the input has node classes' {
        $withClass = $script:NeverPool.Replace('expireAfter: Never', 'expireAfter: 336h') + "`n---`n" + $script:LongRole.Replace('custom-class', 'other')
        (@($withClass | Test-NodePoolSpec)).RuleId | Should -Be 'AM-NP-008'
        @($script:NeverPool.Replace('expireAfter: Never', 'expireAfter: 336h') | Test-NodePoolSpec) | Should -BeNullOrEmpty
    }

    It 'has help with the CI example' {
        $help = Get-Help Test-AutoModeManifest -Full | Out-String
        $help | Should -Match 'exit 1'
        (Get-Help Test-NodePoolSpec).Synopsis | Should -Match 'NodePool'
    }
}

Describe 'Validation of conversion results' {
    It 'takes ConvertTo-OssKarpenter output from the pipeline (its Yaml property) and validates it for Karpenter' {
        $converted = @(ConvertTo-OssKarpenter -Path (Join-Path $script:Examples 'automode/custom-nodepool.yaml'))
        $converted.Count | Should -BeGreaterThan 0
        $ok = @($converted | Test-AutoModeManifest -PassThru)
        $ok.Count | Should -Be $converted.Count
        $ok.Target | Sort-Object -Unique | Should -Be 'Karpenter'
        $ok.RuleId | Sort-Object -Unique | Should -Be 'OK'
    }
}
