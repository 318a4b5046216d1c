# Test-AutoModeReadiness end to end against the sandbox: every AMR check fails (or warns) on the
# readiness-hazard scenario naming its evidence object, passes on readiness-clean, and is Skipped (never Pass)
# for what the read-only identity cannot read.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:sandboxMissing = $false
    try { $null = Get-EksSandboxPath } catch { $script:sandboxMissing = $true }
    # Check id -> the evidence object (Kind/Namespace/Name) it must name on the hazard cluster, and the status.
    $script:hazardCases = @(
        @{ Id = 'AMR-CLU-001'; Status = 'Fail'; Evidence = 'Cluster/hazard-eks' }
        @{ Id = 'AMR-CLU-002'; Status = 'Warn'; Evidence = 'Nodegroup/windows-ng' }
        @{ Id = 'AMR-CLU-003'; Status = 'Warn'; Evidence = 'FargateProfile/fp-batch' }
        @{ Id = 'AMR-CLU-004'; Status = 'Fail'; Evidence = 'Insight/Deprecated APIs removed in Kubernetes v1.29' }
        @{ Id = 'AMR-NET-001'; Status = 'Fail'; Evidence = 'SecurityGroupPolicy/payments/payments-db-access' }
        @{ Id = 'AMR-NET-003'; Status = 'Fail'; Evidence = 'ENIConfig/us-west-2a' }
        @{ Id = 'AMR-NET-004'; Status = 'Fail'; Evidence = 'DaemonSet/kube-system/aws-node' }
        @{ Id = 'AMR-NET-005'; Status = 'Fail'; Evidence = 'DaemonSet/kube-system/aws-node' }
        @{ Id = 'AMR-NET-006'; Status = 'Fail'; Evidence = 'DaemonSet/kube-system/calico-node' }
        @{ Id = 'AMR-NET-007'; Status = 'Fail'; Evidence = 'DaemonSet/kube-system/node-local-dns' }
        @{ Id = 'AMR-NET-008'; Status = 'Fail'; Evidence = 'Nodegroup/custom-ami-ng' }
        @{ Id = 'AMR-LB-001'; Status = 'Fail'; Evidence = 'HelmRelease/kube-system/aws-load-balancer-controller' }
        @{ Id = 'AMR-LB-002'; Status = 'Fail'; Evidence = 'TargetGroupBinding/shop/shop-web-tgb' }
        @{ Id = 'AMR-LB-003'; Status = 'Fail'; Evidence = 'IngressClassParams/alb' }
        @{ Id = 'AMR-LB-004'; Status = 'Fail'; Evidence = 'IngressClass/alb' }
        @{ Id = 'AMR-LB-005'; Status = 'Fail'; Evidence = 'Ingress/shop/web' }
        @{ Id = 'AMR-LB-006'; Status = 'Fail'; Evidence = 'Service/payments/payments-api' }
        @{ Id = 'AMR-LB-007'; Status = 'Fail'; Evidence = 'Ingress/shop/web' }
        @{ Id = 'AMR-STO-001'; Status = 'Fail'; Evidence = 'StorageClass/gp3' }
        @{ Id = 'AMR-STO-002'; Status = 'Fail'; Evidence = 'PersistentVolume/pvc-0f1e2d3c-data-orders-db-0' }
        @{ Id = 'AMR-STO-003'; Status = 'Warn'; Evidence = 'Deployment/kube-system/ebs-csi-controller' }
        @{ Id = 'AMR-CMP-001'; Status = 'Fail'; Evidence = 'Node/ip-10-0-42-9.us-west-2.compute.internal' }
        @{ Id = 'AMR-CMP-002'; Status = 'Fail'; Evidence = 'Node/ip-10-0-60-5.us-west-2.compute.internal' }
        @{ Id = 'AMR-CMP-003'; Status = 'Fail'; Evidence = 'Node/ip-10-0-40-17.us-west-2.compute.internal' }
        @{ Id = 'AMR-CMP-004'; Status = 'Fail'; Evidence = 'HelmRelease/karpenter/karpenter' }
        @{ Id = 'AMR-CMP-005'; Status = 'Fail'; Evidence = 'Deployment/kube-system/cluster-autoscaler' }
        @{ Id = 'AMR-CMP-006'; Status = 'Fail'; Evidence = 'EC2NodeClass/default' }
        @{ Id = 'AMR-CMP-007'; Status = 'Fail'; Evidence = 'Nodegroup/custom-ami-ng' }
        @{ Id = 'AMR-WKL-001'; Status = 'Fail'; Evidence = 'Deployment/legacy/legacy-api' }
        @{ Id = 'AMR-WKL-002'; Status = 'Fail'; Evidence = 'Pod/orders/orders-db-0' }
        @{ Id = 'AMR-WKL-003'; Status = 'Fail'; Evidence = 'Deployment/monitoring/metadata-exporter' }
        @{ Id = 'AMR-ADD-001'; Status = 'Fail'; Evidence = 'Addon/vpc-cni' }
        @{ Id = 'AMR-ADD-002'; Status = 'Warn'; Evidence = 'Addon/kube-proxy' }
        @{ Id = 'AMR-SEC-001'; Status = 'Warn'; Evidence = 'ServiceAccount/orders/orders-api' }
        @{ Id = 'AMR-SEC-002'; Status = 'Fail'; Evidence = 'Nodegroup/system-ng' }
    )
}

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    Import-Module (Join-Path $PSScriptRoot 'Common.psm1') -Force
    $script:savedEnv = Clear-TestEnvironment -Name 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'KUBECONFIG'

    function Get-AwsArgs($Sandbox, [string] $Key = 'AKIASANDBOXADMIN0001') {
        $id = $Sandbox.identities | Where-Object accessKeyId -EQ $Key | Select-Object -First 1
        @{ EndpointUrl = $Sandbox.awsEndpointUrl; Region = $Sandbox.region; AccessKey = $id.accessKeyId; SecretKey = $id.secretAccessKey; ClusterName = $Sandbox.clusters[0].name }
    }

    function Format-Evidence($e) { if ($e.Namespace) { "$($e.Kind)/$($e.Namespace)/$($e.Name)" } else { "$($e.Kind)/$($e.Name)" } }

    if (-not $sandboxMissing) {
        $script:hazard = Start-EksSandbox -Scenario readiness-hazard
        $script:clean = Start-EksSandbox -Scenario readiness-clean
        $script:hazardArgs = Get-AwsArgs $script:hazard
        $script:cleanArgs = Get-AwsArgs $script:clean
        $script:hazardResults = @(Test-AutoModeReadiness @hazardArgs)
    }
}

AfterAll {
    if ($script:hazard) { Stop-EksSandbox -Sandbox $script:hazard }
    if ($script:clean) { Stop-EksSandbox -Sandbox $script:clean }
    Restore-TestEnvironment -Saved $script:savedEnv
}

Describe 'Test-AutoModeReadiness -ListAvailable' {
    It 'lists every readiness check with id, severity, source and as-of date without connecting' {
        $all = @(Test-AutoModeReadiness -ListAvailable)
        $all.Count | Should -BeGreaterOrEqual 30
        $all[0] | Should -BeOfType ([EksAutoMode.AutoModeReadinessCheck])
        foreach ($c in $all) {
            $c.Id | Should -Match '^AMR-[A-Z]{2,4}-\d{3}$'
            $c.Source | Should -Not -BeNullOrEmpty
            $c.DocUrl | Should -Match '^https://'
            $c.AsOf.Year | Should -BeGreaterOrEqual 2024
        }
        ($all.Id | Sort-Object -Unique).Count | Should -Be $all.Count
    }

    It 'Get-Help about_EksAutoMode_Readiness lists every check of the module with its severity, source and as-of date' {
        $topic = (Get-Help about_EksAutoMode_Readiness | Out-String) -replace '\s+', ' '
        $all = @(Test-AutoModeReadiness -ListAvailable)
        $all.Count | Should -Be 36
        foreach ($c in $all) {
            $topic | Should -BeLike "*$($c.Id) $($c.Severity) *$($c.Title) source: $(($c.Source -replace '\s+', ' ')); as of $($c.AsOf.ToString('yyyy-MM-dd'))*"
        }
        foreach ($id in 'AMI-CLU-001', 'AMI-CLU-002', 'AMI-NOD-001', 'AMI-NOD-002', 'AMI-NOD-003', 'AMI-ACC-001', 'AMI-TAG-001') { $topic | Should -BeLike "*$id Blocker *" }
    }

    It 'filters the list by severity, category and id pattern' {
        $blockers = @(Test-AutoModeReadiness -ListAvailable -Severity Blocker)
        $blockers.Severity | Sort-Object -Unique | Should -Be 'Blocker'
        $blockers.Id | Should -Contain 'AMR-STO-002'
        @(Test-AutoModeReadiness -ListAvailable -CheckId 'AMR-LB-*').Id | Should -Be @('AMR-LB-001', 'AMR-LB-002', 'AMR-LB-003', 'AMR-LB-004', 'AMR-LB-005', 'AMR-LB-006', 'AMR-LB-007')
        (Test-AutoModeReadiness -ListAvailable -Category Networking | Where-Object Id -EQ 'AMR-NET-002').KubernetesVersions | Should -Be '>= 1.36'
    }
}

Describe 'Test-AutoModeReadiness on the hazard scenario' -Skip:$sandboxMissing {
    It '<Id> is <Status> and names <Evidence>' -TestCases $hazardCases {
        param($Id, $Status, $Evidence)
        $r = $script:hazardResults | Where-Object CheckId -EQ $Id
        $r | Should -Not -BeNullOrEmpty
        $r.Status | Should -Be $Status
        ($r.Evidence | ForEach-Object { Format-Evidence $_ }) | Should -Contain $Evidence
        $r.Remediation | Should -Not -BeNullOrEmpty
        $r.DocUrl | Should -Match '^https://docs\.aws\.amazon\.com/|^https://github\.com/'
    }

    It 'evaluates every applicable catalogue check once (the 1.36-only one is left out at 1.28)' {
        $expected = @(Test-AutoModeReadiness -ListAvailable | Where-Object KubernetesVersions -NE '>= 1.36').Id
        $script:hazardResults.CheckId | Should -Be $expected
        $script:hazardResults.CheckId | Should -Not -Contain 'AMR-NET-002'
        $hazardCases.Id | Sort-Object | Should -Be ($expected | Sort-Object)
    }

    It 'reports the values that triggered the checks' {
        ($script:hazardResults | Where-Object CheckId -EQ 'AMR-CMP-003').Evidence[0].Value | Should -Match '^122 pods running'
        ($script:hazardResults | Where-Object CheckId -EQ 'AMR-ADD-001').Evidence.Value | Should -Contain 'v1.28.8-eksbuild.2 < v1.28.15-eksbuild.4'
        ($script:hazardResults | Where-Object CheckId -EQ 'AMR-NET-004').Evidence.Value | Should -Contain 'container aws-node env AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true'
        ($script:hazardResults | Where-Object CheckId -EQ 'AMR-LB-005').Evidence[0].Value | Should -Match 'group\.name=shared'
        ($script:hazardResults | Where-Object CheckId -EQ 'AMR-STO-002').Evidence[0].Value | Should -Be 'vol-0abc1234def567890'
    }

    It 'does not show EC2NodeClass user data, only that it is set' {
        $v = ($script:hazardResults | Where-Object CheckId -EQ 'AMR-CMP-006').Evidence[0].Value
        $v | Should -Match 'spec\.userData is set'
        $v | Should -Not -Match 'custom bootstrap'
    }

    It 'reads the node group launch templates: custom AMI from DescribeImages, user data kinds but never its text' {
        $f = $script:hazardResults | Where-Object CheckId -EQ 'AMR-CMP-007'
        $v = @($f.Evidence | ForEach-Object { "$($_.Name): $($_.Value)" })
        $v[0] | Should -Match "^custom-ami-ng: launch template lt-0c0ffee0c0ffee001 \(hardened-al2023\) version 3: custom AMI ami-0badc0ffee0000002 'hardened-al2023-eks-1\.28-v3' \(owner 111122223333, this account\); user data \d+ bytes \(nodeadm NodeConfig, shell script\)$"
        $v[1] | Should -Match '^apps-ng: launch template lt-0a0b0c0d0e0f10203 \(apps-ng-bootstrap\) version 2: user data \d+ bytes \(shell script\)$'
        ($script:hazardResults | ConvertTo-Json -Depth 6) | Should -Not -Match 'apply-cis-level2|security-agent-7\.4'
    }

    It 'finds the kubelet clusterDNS override in nodeadm user data and in the EC2NodeClass' {
        $f = $script:hazardResults | Where-Object CheckId -EQ 'AMR-NET-008'
        ($f.Evidence | ForEach-Object { "$(Format-Evidence $_): $($_.Value)" }) | Should -Be @(
            'EC2NodeClass/default: spec.kubelet.clusterDNS 169.254.20.10',
            'Nodegroup/custom-ami-ng: launch template lt-0c0ffee0c0ffee001 version 3 user data: clusterDNS 169.254.20.10')
    }

    It 'names SSH keys and SSM agents, the migration order, Pod Identity and insights' {
        ($script:hazardResults | Where-Object CheckId -EQ 'AMR-SEC-002').Evidence.Value | Should -Contain 'remoteAccess.ec2SshKey platform-ops (source security groups sg-0a1b2c3d4e5f60701)'
        @(($script:hazardResults | Where-Object CheckId -EQ 'AMR-SEC-002').Evidence | ForEach-Object { Format-Evidence $_ }) | Should -Contain 'DaemonSet/kube-system/ssm-agent'
        $ng = $script:hazardResults | Where-Object CheckId -EQ 'AMR-CLU-002'
        ($ng.Evidence | Where-Object Name -EQ 'windows-ng').Value | Should -Match 'keep \(Auto Mode has no Windows nodes\)$'
        $ng.Message | Should -Match '2\. migrate OSS Karpenter .*\(OSS Karpenter is installed \(karpenter/karpenter\)\); 3\. drain managed node groups'
        ($script:hazardResults | Where-Object CheckId -EQ 'AMR-CLU-003').Evidence[0].Value | Should -Be 'selectors namespace batch labels compute=fargate; 1 Fargate node(s) now; step 4'
        $sa = $script:hazardResults | Where-Object CheckId -EQ 'AMR-SEC-001'
        $sa.Evidence[0].Value | Should -Be 'IRSA arn:aws:iam::111122223333:role/orders-api-irsa; no Pod Identity association'
        $sa.Message | Should -Match '1 Pod Identity association'
        $in = $script:hazardResults | Where-Object CheckId -EQ 'AMR-CLU-004'
        $in.Evidence.Name | Should -Be @('Deprecated APIs removed in Kubernetes v1.29', 'EKS add-on version compatibility')
        $in.Evidence[1].Value | Should -Match '^WARNING \(UPGRADE_READINESS, Kubernetes 1\.29\)'
        $lb = $script:hazardResults | Where-Object CheckId -EQ 'AMR-LB-007'
        ($lb.Evidence | ForEach-Object { "$(Format-Evidence $_): $($_.Value)" }) | Should -Be @(
            'Ingress/shop/web: internet-facing: no subnet of vpc-0123456789abcdef0 is tagged kubernetes.io/role/elb (1 or empty); untagged: subnet-0a1b2c3d4e5f60001 (us-west-2a, 8000 free IPs), subnet-0a1b2c3d4e5f60002 (us-west-2b, 7963 free IPs), subnet-0a1b2c3d4e5f60003 (us-west-2c, 7926 free IPs)',
            'Service/payments/payments-api: internal: no subnet of vpc-0123456789abcdef0 is tagged kubernetes.io/role/internal-elb (1 or empty); untagged: subnet-0a1b2c3d4e5f60001 (us-west-2a, 8000 free IPs), subnet-0a1b2c3d4e5f60002 (us-west-2b, 7963 free IPs), subnet-0a1b2c3d4e5f60003 (us-west-2c, 7926 free IPs)')
    }

    It 'leaves pods on hostNetwork and DaemonSet pods out of the IMDS and PDB checks' {
        $imds = ($script:hazardResults | Where-Object CheckId -EQ 'AMR-WKL-003').Evidence | ForEach-Object { Format-Evidence $_ }
        $imds | Should -Not -Contain 'DaemonSet/monitoring/host-agent'
        $pdb = ($script:hazardResults | Where-Object CheckId -EQ 'AMR-WKL-001').Evidence | ForEach-Object { Format-Evidence $_ }
        $pdb | Should -Not -Contain 'DaemonSet/kube-system/kube-proxy'
        $pdb | Should -Not -Contain 'Deployment/shop/web'
    }

    It '-Quiet is $false because Blocker checks fail' {
        Test-AutoModeReadiness @hazardArgs -Quiet | Should -BeFalse
    }

    It 'follows -TargetKubernetesVersion: at 1.36 security groups for pods are a Warning check (AMR-NET-002)' {
        $r = @(Test-AutoModeReadiness @hazardArgs -Category Networking -TargetKubernetesVersion 1.36)
        $r.CheckId | Should -Not -Contain 'AMR-NET-001'
        $n2 = $r | Where-Object CheckId -EQ 'AMR-NET-002'
        $n2.Status | Should -Be 'Fail'
        $n2.Severity | Should -Be 'Warning'
        (Format-Evidence $n2.Evidence[0]) | Should -Be 'SecurityGroupPolicy/payments/payments-db-access'
        $named = Test-AutoModeReadiness @hazardArgs -CheckId AMR-NET-001 -TargetKubernetesVersion 1.36
        $named.Status | Should -Be 'Skipped'
        $named.SkipReason | Should -Match '1\.35.*1\.36'
    }
}

Describe 'Test-AutoModeReadiness on the clean scenario' -Skip:$sandboxMissing {
    It 'passes every check and -Quiet is $true' {
        $r = @(Test-AutoModeReadiness @cleanArgs)
        $r.Count | Should -BeGreaterOrEqual 30
        ($r | Where-Object Status -NE 'Pass' | ForEach-Object { "$($_.CheckId)=$($_.Status) $($_.Message)" }) | Should -BeNullOrEmpty
        Test-AutoModeReadiness @cleanArgs -Quiet | Should -BeTrue
    }
}

Describe 'Test-AutoModeReadiness with limited permissions' -Skip:$sandboxMissing {
    It 'skips (never passes) the controller checks when Helm release secrets cannot be listed' {
        $ro = Get-AwsArgs $script:clean 'AKIASANDBOXREADONLY1'
        $r = @(Test-AutoModeReadiness @ro)
        foreach ($id in 'AMR-NET-006', 'AMR-NET-007', 'AMR-LB-001', 'AMR-STO-003', 'AMR-CMP-004', 'AMR-CMP-005') {
            $f = $r | Where-Object CheckId -EQ $id
            $f.Status | Should -Be 'Skipped' -Because "$id needs Helm release secrets"
            $f.SkipReason | Should -Match 'secrets'
        }
        ($r | Where-Object CheckId -EQ 'AMR-STO-001').Status | Should -Be 'Pass'
    }

    It 'skips the insight check and names the unread launch templates when EC2/EKS reads are denied' {
        $ro = Get-AwsArgs $script:clean 'AKIASANDBOXREADONLY1'
        $i = Test-AutoModeReadiness @ro -CheckId AMR-CLU-004
        $i.Status | Should -Be 'Skipped'
        $i.SkipReason | Should -Match 'eks:ListInsights'
        $hro = Get-AwsArgs $script:hazard 'AKIASANDBOXREADONLY1'
        $r = @(Test-AutoModeReadiness @hro -CheckId AMR-CMP-007, AMR-NET-008, AMR-SEC-001)
        $cmp = $r | Where-Object CheckId -EQ 'AMR-CMP-007'
        $cmp.Status | Should -Be 'Fail' -Because 'amiType CUSTOM is known without reading the template'
        $cmp.Evidence.Name | Should -Be 'custom-ami-ng'
        $cmp.Message | Should -Match 'launch templates of custom-ami-ng, apps-ng \(.*ec2:DescribeLaunchTemplateVersions'
        ($r | Where-Object CheckId -EQ 'AMR-NET-008').Message | Should -Match 'Not read: launch templates of custom-ami-ng, apps-ng'
        ($r | Where-Object CheckId -EQ 'AMR-SEC-001').Message | Should -Match 'Pod Identity associations were not read: .*eks:ListPodIdentityAssociations'
    }

    It 'still fails a controller found as a Deployment when Helm releases are unreadable' {
        $ro = Get-AwsArgs $script:hazard 'AKIASANDBOXREADONLY1'
        $f = Test-AutoModeReadiness @ro -CheckId AMR-CMP-004
        $f.Status | Should -Be 'Fail'
        ($f.Evidence | ForEach-Object { Format-Evidence $_ }) | Should -Contain 'Deployment/karpenter/karpenter'
        $f.Message | Should -Match 'Helm releases were not read'
    }

    It 'skips the EKS checks without -ClusterName (kubeconfig only)' {
        $kc = Join-Path ([IO.Path]::GetTempPath()) ("kc-$([guid]::NewGuid().ToString('n')).yaml")
        try {
            New-EksSandboxKubeconfig -Sandbox $script:hazard -Path $kc
            $r = @(Test-AutoModeReadiness -KubeConfigPath $kc -Category Addons, Cluster)
            ($r | Where-Object CheckId -EQ 'AMR-ADD-001').Status | Should -Be 'Skipped'
            ($r | Where-Object CheckId -EQ 'AMR-ADD-001').SkipReason | Should -Match '-ClusterName'
            ($r | Where-Object CheckId -EQ 'AMR-CLU-001').Status | Should -Be 'Fail'
            ($r | Where-Object CheckId -EQ 'AMR-CLU-001').Evidence[0].Value | Should -Match 'Kubernetes /version'
        }
        finally { Remove-Item $kc -ErrorAction SilentlyContinue }
    }
}
