# Which schema the Test-* cmdlets validate against: the bundled Karpenter CRDs of -KarpenterVersion, or the CRDs the
# cluster serves (-ClusterName through EKS, -KubeConfigPath/-Context), read from the loopback sandbox (tests/Sandbox)
# over TLS. The scenario TestData/Validation/crd-versions.scenario.yaml gives each cluster a CRD that differs from
# the bundled default, so each test can only pass when the cluster's own schema was used. Real kubectl reads the
# same CRDs.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:sandboxMissing = $false
    try { $null = Get-EksSandboxPath } catch { $script:sandboxMissing = $true }
    $script:noKubectl = -not (Get-Command kubectl -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('eam-src-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $script:Work -Force | Out-Null
    # An EC2NodeClass that uses what Karpenter 1.15 opened: a CEL max-pods expression and a kubelet field 1.14 lacks.
    $script:Kubelet115 = Join-Path $script:Work 'ec2-kubelet.yaml'
    Set-Content -LiteralPath $script:Kubelet115 -Value @'
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: dense
spec:
  role: KarpenterNodeRole
  amiSelectorTerms: [{alias: al2023@latest}]
  subnetSelectorTerms: [{id: subnet-0abc}]
  securityGroupSelectorTerms: [{id: sg-0abc}]
  kubelet:
    maxPods: "vcpus * 8"
    shutdownGracePeriod: 30s
'@
    # An Auto Mode NodeClass with an instance profile instead of a role (allowed since 2025-09; the early-GA CRD requires role).
    $script:ProfileClass = Join-Path $script:Work 'nodeclass-profile.yaml'
    Set-Content -LiteralPath $script:ProfileClass -Value @'
apiVersion: eks.amazonaws.com/v1
kind: NodeClass
metadata:
  name: by-profile
spec:
  instanceProfile: eks-automode-nodes
  subnetSelectorTerms: [{id: subnet-0abc}]
  securityGroupSelectorTerms: [{id: sg-0abc}]
'@
    Import-Module (Join-Path $PSScriptRoot 'Common.psm1') -Force
    $script:savedEnv = Clear-TestEnvironment -Name 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
        'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_ENDPOINT_URL', 'AWS_CA_BUNDLE', 'KUBECONFIG', 'AWS_EC2_METADATA_DISABLED'
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $script:Work 'credentials'
    $env:AWS_CONFIG_FILE = Join-Path $script:Work 'config'
}

AfterAll {
    Restore-TestEnvironment -Saved $script:savedEnv
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe '-KarpenterVersion (bundled schemas)' {
    It 'accepts the Karpenter 1.15 kubelet by default and rejects it under -KarpenterVersion 1.14, naming the schema in every finding' {
        $ok = @(Test-NodeClassSpec $script:Kubelet115 -PassThru)
        $ok.RuleId | Should -Be 'OK'
        $ok.SchemaSource | Should -Match '^karpenter 1\.15 \(bundled, as-of \d{4}-\d{2}-\d{2}\)$'
        Test-NodeClassSpec $script:Kubelet115 -Quiet | Should -BeTrue

        $old = @(Test-NodeClassSpec $script:Kubelet115 -KarpenterVersion 1.14)
        $type = $old | Where-Object RuleId -EQ 'K8S-Type'
        $type.Severity | Should -Be 'Error'
        $type.ApiServerText | Should -Be 'spec.kubelet.maxPods: Invalid value: "string": spec.kubelet.maxPods in body must be of type integer: "string"'
        $type.Line | Should -Be 11
        ($old | Where-Object RuleId -EQ 'K8S-UnknownField').Path | Should -Be 'spec.kubelet.shutdownGracePeriod'
        $old.SchemaSource | Sort-Object -Unique | Should -Be 'karpenter 1.14 (bundled, as-of 2026-08-20)'
        Test-NodeClassSpec $script:Kubelet115 -KarpenterVersion v1.14.1 -Quiet | Should -BeFalse
    }

    It 'keeps the Auto Mode NodeClass schema whatever the Karpenter version, and applies the version to Auto Mode NodePools' {
        $nc = @(Test-AutoModeManifest $script:ProfileClass -KarpenterVersion 1.14 -PassThru)
        $nc.SchemaSource | Should -Match '^eks-auto-mode \(bundled, as-of '
        $pool = "apiVersion: karpenter.sh/v1`nkind: NodePool`nmetadata: {name: p}`nspec:`n  template:`n    spec:`n      expireAfter: Never`n      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass, name: default}`n      requirements: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]`n"
        $f = @($pool | Test-NodePoolSpec -KarpenterVersion 1.14)
        ($f | Where-Object RuleId -EQ 'AM-NP-001').SchemaSource | Should -BeLike 'karpenter 1.14 + Auto Mode overlay (bundled, *'
    }

    It 'completes and validates -KarpenterVersion from the bundled versions' {
        $line = 'Test-AutoModeManifest -KarpenterVersion '
        $completions = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completions.CompletionMatches.CompletionText | Should -Be @('1.15', '1.14')
        { Test-AutoModeManifest $script:Kubelet115 -KarpenterVersion 1.13 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,EksAutoMode.Commands.TestAutoModeManifestCommand' -ExpectedMessage '*Bundled: 1.14, 1.15*'
    }
}

Describe 'Validation against the cluster''s own CRDs' -Skip:$sandboxMissing {
    BeforeAll {
        $script:sb = Start-EksSandbox -Scenario (Join-Path $PSScriptRoot 'TestData/Validation/crd-versions.scenario.yaml') -Tls -Seed 13
        $env:AWS_CA_BUNDLE = $script:sb.caPemPath
        $script:aws = @{ EndpointUrl = $script:sb.awsEndpointUrl; Region = 'us-west-2'; AccessKey = $script:sb.accessKeyId; SecretKey = $script:sb.secretAccessKey }
        $script:kc114 = Join-Path $script:Work 'kubeconfig-114'
        New-EksSandboxKubeconfig -Sandbox $script:sb -Path $script:kc114 -ClusterName karpenter-114 -Auth Static
        $script:kcLegacy = Join-Path $script:Work 'kubeconfig-legacy'
        New-EksSandboxKubeconfig -Sandbox $script:sb -Path $script:kcLegacy -ClusterName legacy-automode -Auth Static
    }
    AfterAll { if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb } }

    It '-ClusterName validates with the cluster''s NodeClass CRD: valid against the bundled schema, invalid against the early-GA one' {
        Test-NodeClassSpec $script:ProfileClass -Quiet | Should -BeTrue
        $f = @(Test-NodeClassSpec $script:ProfileClass -ClusterName legacy-automode @aws -WarningAction SilentlyContinue)
        $required = $f | Where-Object RuleId -EQ 'K8S-Required'
        $required.ApiServerText | Should -Be 'spec.role: Required value'
        ($f | Where-Object RuleId -EQ 'K8S-UnknownField').Path | Should -Be 'spec.instanceProfile'
        $f.SchemaSource | Sort-Object -Unique | Should -Be 'cluster legacy-automode'
        Test-NodeClassSpec $script:ProfileClass -ClusterName legacy-automode @aws -Quiet -WarningAction SilentlyContinue | Should -BeFalse
    }

    It '-KubeConfigPath validates with the cluster''s Karpenter 1.14 EC2NodeClass and says which source it used' {
        $verbose = Test-NodeClassSpec $script:Kubelet115 -KubeConfigPath $script:kc114 -Verbose -WarningVariable warnings -WarningAction SilentlyContinue 4>&1
        $f = @($verbose | Where-Object { $_ -is [EksAutoMode.ValidationFinding] })
        ($f | Where-Object RuleId -EQ 'K8S-Type').Path | Should -Be 'spec.kubelet.maxPods'
        $f.SchemaSource | Sort-Object -Unique | Should -Be 'cluster karpenter-114'
        $messages = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $messages | Should -Contain 'Schema for karpenter.k8s.aws/v1 EC2NodeClass: cluster karpenter-114.'
        ($messages -like 'Read the CRD ec2nodeclasses.karpenter.k8s.aws from cluster karpenter-114 (https://127.0.0.1:*).').Count | Should -Be 1
        # The standard cluster serves no Auto Mode NodeClass CRD: a warning, and that kind falls back to the bundled schema.
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike 'cluster karpenter-114: nodeclasses.eks.amazonaws.com: the cluster does not serve this CRD. Its kind is validated against the bundled schema instead*'
        $nc = @(Test-AutoModeManifest $script:ProfileClass -KubeConfigPath $script:kc114 -PassThru -WarningAction SilentlyContinue)
        $nc.RuleId | Should -Be 'OK'
        $nc.SchemaSource | Should -Match '^eks-auto-mode \(bundled'
    }

    It 'uses the cluster''s CRD over -KarpenterVersion, and -CrdPath over the cluster' {
        # The cluster (1.14) wins over the bundled 1.15 asked for ...
        (@(Test-NodeClassSpec $script:Kubelet115 -KubeConfigPath $script:kc114 -KarpenterVersion 1.15 -WarningAction SilentlyContinue).RuleId) | Should -Contain 'K8S-Type'
        # ... and a CRD file wins over the cluster for the kinds it defines.
        $open = Join-Path $script:Work 'open-ec2nodeclass.yaml'
        Set-Content -LiteralPath $open -Value @'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ec2nodeclasses.karpenter.k8s.aws}
spec:
  group: karpenter.k8s.aws
  names: {kind: EC2NodeClass, plural: ec2nodeclasses}
  scope: Cluster
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
'@
        $f = @(Test-NodeClassSpec $script:Kubelet115 -KubeConfigPath $script:kc114 -CrdPath $open -PassThru -WarningAction SilentlyContinue)
        $f.RuleId | Should -Be 'OK'
        $f.SchemaSource | Should -Be "file $open"
    }

    It 'fails with an error record, not a silent fallback, when the cluster cannot be reached' {
        { Test-AutoModeManifest $script:ProfileClass -ClusterName no-such-cluster @aws -ErrorAction Stop } | Should -Throw -ErrorId 'ResourceNotFoundException*'
        { Test-AutoModeManifest $script:ProfileClass -KubeConfigPath (Join-Path $script:Work 'missing-kubeconfig') -ErrorAction Stop } | Should -Throw
    }

    It 'serves the CRDs to real kubectl with the cluster''s schemas' -Skip:$noKubectl {
        $names = (& kubectl --kubeconfig $script:kc114 get crd -o name)
        $LASTEXITCODE | Should -Be 0
        $names | Should -Contain 'customresourcedefinition.apiextensions.k8s.io/ec2nodeclasses.karpenter.k8s.aws'
        $names | Should -Not -Contain 'customresourcedefinition.apiextensions.k8s.io/nodeclasses.eks.amazonaws.com'
        $crd = & kubectl --kubeconfig $script:kc114 get crd ec2nodeclasses.karpenter.k8s.aws -o json | ConvertFrom-Json -Depth 100
        $crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.kubelet.properties.maxPods.type | Should -Be 'integer'
        $legacy = & kubectl --kubeconfig $script:kcLegacy get crd nodeclasses.eks.amazonaws.com -o json | ConvertFrom-Json -Depth 100
        $legacy.spec.versions[0].schema.openAPIV3Schema.properties.spec.required | Should -Contain 'role'
        $pool = & kubectl --kubeconfig $script:kcLegacy get crd nodepools.karpenter.sh -o json | ConvertFrom-Json -Depth 100
        $pool.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.template.properties.spec.'x-kubernetes-validations'.message |
            Should -Contain 'expireAfter may not be set to Never'
        & kubectl --kubeconfig $script:kcLegacy get crd no-such.example.com 2>&1 | Out-Null
        $LASTEXITCODE | Should -Not -Be 0
    }
}
