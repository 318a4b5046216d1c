# Karpenter NodePool controller rules (KC-NP-*), key families (AM-NP-006/010) and schema details (AM-NC-009,
# kernelLockdown) as a user sees them: Test-AutoModeManifest on files, with file:line, Origin, -Quiet/-Strict, and
# the SARIF rule list of Export-AutoModeFinding.
BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('eam-ctl-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $script:Work -Force | Out-Null

    # The API server accepts this NodePool; Karpenter's NodePool controller does not.
    $script:GpuPool = Join-Path $script:Work 'gpu-pool.yaml'
    Set-Content -LiteralPath $script:GpuPool -Value @'
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: gpu
spec:
  template:
    metadata:
      labels:
        node-restriction.kubernetes.io/team: ml
    spec:
      nodeClassRef:
        group: eks.amazonaws.com
        kind: NodeClass
        name: default
      expireAfter: 336h
      taints:
        - key: dedicated
          value: x
          effect: NoSchedule
      startupTaints:
        - key: dedicated
          value: x
          effect: NoSchedule
      requirements:
        - key: karpenter.sh/capacity-type
          operator: In
          values: ["gpu"]
        - key: eks.amazonaws.com/instance-category
          operator: In
          values: ["g"]
'@

    $script:NewerClass = Join-Path $script:Work 'training-class.yaml'
    Set-Content -LiteralPath $script:NewerClass -Value @'
apiVersion: eks.amazonaws.com/v1
kind: NodeClass
metadata:
  name: training
spec:
  role: MyNodeRole
  subnetSelectorTerms:
    - id: subnet-0abc
  securityGroupSelectorTerms:
    - id: sg-0abc
  advancedSecurity:
    kernelLockdown: integrity
  placementGroupSelector:
    name: training
'@
}

AfterAll {
    Remove-Item -Recurse -Force $script:Work -ErrorAction SilentlyContinue
}

Describe 'Karpenter NodePool controller rules in Test-AutoModeManifest' {
    It 'reports what the controller rejects as Errors from the controller, at file:line' {
        $findings = @(Test-AutoModeManifest -Path $script:GpuPool)
        $controller = @($findings | Where-Object Origin -eq 'KarpenterController')
        @($controller.RuleId | Sort-Object) | Should -Be @('KC-NP-001', 'KC-NP-002')
        $controller.Severity | Sort-Object -Unique | Should -Be 'Error'

        $taint = $controller | Where-Object RuleId -eq 'KC-NP-001'
        $taint.Path | Should -Be 'spec.template.spec.startupTaints[0]'
        $taint.Line | Should -Be 21
        $taint.Message | Should -BeLike 'duplicate taint Key/Effect pair dedicated=NoSchedule (also at spec.template.spec.taints`[0`])*ValidationSucceeded=False*'
        $taint.ToString() | Should -BeLike ("$($script:GpuPool):21:*: error KC-NP-001: spec.template.spec.startupTaints" + '`[0`]: duplicate taint*')

        $capacity = $controller | Where-Object RuleId -eq 'KC-NP-002'
        $capacity.Line | Should -Be 27
        $capacity.Message | Should -BeLike 'no valid values found in `[gpu`] for karpenter.sh/capacity-type, expected one of: on-demand, reserved, spot*'
        $capacity.SourceUrl | Should -Be 'https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/pkg/apis/v1/nodeclaim_validation.go'
        $capacity.AsOf | Should -Be '2026-08-20'

        # node-restriction.kubernetes.io is allowed since Karpenter v1.9: no finding for the label.
        $findings.Path | Should -Not -Contain 'spec.template.metadata.labels[node-restriction.kubernetes.io/team]'
        Test-AutoModeManifest -Path $script:GpuPool -Quiet | Should -BeFalse
    }

    It 'passes the same pool once the taint is kept once and the capacity type is known' {
        $fixed = Join-Path $script:Work 'gpu-pool-fixed.yaml'
        $text = (Get-Content -LiteralPath $script:GpuPool -Raw) -replace '\["gpu"\]', '["spot", "on-demand"]'
        $text = $text -replace '(?s)      startupTaints:.*?effect: NoSchedule\r?\n', ''
        Set-Content -LiteralPath $fixed -Value $text
        @(Test-AutoModeManifest -Path $fixed) | Should -BeNullOrEmpty
        Test-AutoModeManifest -Path $fixed -Quiet -Strict | Should -BeTrue
    }

    It 'keeps the API server''s own rejections as ApiServer findings, once' {
        $text = (Get-Content -LiteralPath $script:GpuPool -Raw) -replace 'node-restriction.kubernetes.io/team: ml', 'kubernetes.io/hostname: gpu-1'
        $findings = @(Test-AutoModeManifest -InputObject $text)
        $hostname = @($findings | Where-Object { $_.Message -like '*"kubernetes.io/hostname" is restricted*' })
        $hostname.Count | Should -Be 1
        $hostname[0].Origin | Should -Be 'ApiServer'
        $hostname[0].RuleId | Should -Be 'K8S-Cel'
    }

    It 'flags a NodePool meant for Auto Mode that points at an OSS EC2NodeClass, and one that mixes key families' {
        $oss = (Get-Content -LiteralPath $script:GpuPool -Raw) -replace 'group: eks.amazonaws.com', 'group: karpenter.k8s.aws' -replace 'kind: NodeClass', 'kind: EC2NodeClass'
        $ref = Test-NodePoolSpec -InputObject $oss -Target AutoMode | Where-Object RuleId -eq 'AM-NP-006'
        $ref.Severity | Should -Be 'Error'
        $ref.Message | Should -BeLike '*karpenter.k8s.aws/EC2NodeClass is not a node class of EKS Auto Mode*'

        $mixed = (Get-Content -LiteralPath $script:GpuPool -Raw) -replace 'eks.amazonaws.com/instance-category', 'karpenter.k8s.aws/instance-category' -replace '(?m)^        node-restriction.kubernetes.io/team: ml', '        eks.amazonaws.com/compute-type: auto'
        $f = Test-NodePoolSpec -InputObject $mixed | Where-Object RuleId -eq 'AM-NP-010'
        $f.Severity | Should -Be 'Error'
        $f.Line | Should -Be 28
        $f.Message | Should -BeLike 'mixes EKS Auto Mode keys (eks.amazonaws.com/compute-type) and OSS Karpenter keys (karpenter.k8s.aws/instance-category)*'
    }

    It 'lists the controller rules in the SARIF rule catalogue with help text and a documentation link' {
        $log = Test-AutoModeManifest -Path $script:GpuPool | Export-AutoModeFinding -Format Sarif -BasePath $script:Work | ConvertFrom-Json
        $rule = $log.runs[0].tool.driver.rules | Where-Object id -eq 'KC-NP-001'
        $rule.helpUri | Should -Be 'https://karpenter.sh/docs/concepts/nodepools/#spectemplatespectaints'
        $rule.fullDescription.text | Should -BeLike 'Karpenter NodePool controller rule*ValidationSucceeded=False*v1.14.1*'
        $rule.help.text | Should -BeLike 'Keep each key and effect once*'
        $result = $log.runs[0].results | Where-Object ruleId -eq 'KC-NP-002'
        $result.properties.origin | Should -Be 'KarpenterController'
        $result.locations[0].physicalLocation.region.startLine | Should -Be 27
    }
}

Describe 'NodeClass schema details' {
    It 'reports fields newer Auto Mode releases may accept as a distinct Warning, failing only with -Strict' {
        $findings = @(Test-NodeClassSpec -Path $script:NewerClass)
        $findings.Count | Should -Be 1
        $findings[0].RuleId | Should -Be 'AM-NC-009'
        $findings[0].Severity | Should -Be 'Warning'
        $findings[0].Line | Should -Be 13
        $findings[0].Message | Should -BeLike 'possibly newer than the bundled schema (as-of 2026-01-31): spec.placementGroupSelector*'
        $findings[0].AsOf | Should -Be '2026-12-04'
        Test-NodeClassSpec -Path $script:NewerClass -Quiet | Should -BeTrue
        Test-NodeClassSpec -Path $script:NewerClass -Quiet -Strict | Should -BeFalse
    }

    It 'checks advancedSecurity.kernelLockdown against the documented values' {
        $bad = (Get-Content -LiteralPath $script:NewerClass -Raw) -replace 'kernelLockdown: integrity', 'kernelLockdown: confidentiality'
        $f = Test-NodeClassSpec -InputObject $bad | Where-Object RuleId -eq 'K8S-Enum'
        $f.Path | Should -Be 'spec.advancedSecurity.kernelLockdown'
        $f.Line | Should -Be 12
        $f.Message | Should -BeLike 'Unsupported value: "confidentiality": supported values: "integrity", "none"*'
    }
}
