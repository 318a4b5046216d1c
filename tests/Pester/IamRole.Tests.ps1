# Test-AutoModeIamRole against the sandbox: the hazard cluster's roles fail with the exact missing policy, action
# or statement (and the JSON to add), the clean cluster passes, and the read-only identity (iam:* denied) gives
# Skipped, never Pass.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:sandboxMissing = $false
    try { $null = Get-EksSandboxPath } catch { $script:sandboxMissing = $true }
}

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    Import-Module (Join-Path $PSScriptRoot 'Common.psm1') -Force
    $script:savedEnv = Clear-TestEnvironment -Name 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'KUBECONFIG'

    function Get-AwsArgs($Sandbox, [string] $Key = 'AKIASANDBOXADMIN0001') {
        $id = $Sandbox.identities | Where-Object accessKeyId -EQ $Key | Select-Object -First 1
        @{ EndpointUrl = $Sandbox.awsEndpointUrl; Region = $Sandbox.region; AccessKey = $id.accessKeyId; SecretKey = $id.secretAccessKey }
    }

    if (-not $sandboxMissing) {
        $script:hazard = Start-EksSandbox -Scenario readiness-hazard
        $script:clean = Start-EksSandbox -Scenario readiness-clean
        $script:hazardArgs = Get-AwsArgs $script:hazard
        $script:cleanArgs = Get-AwsArgs $script:clean
        $script:h = @(Test-AutoModeIamRole @hazardArgs -ClusterName hazard-eks -NodeRoleName hazard-eks-mng-node-role)
    }
}

AfterAll {
    if ($script:hazard) { Stop-EksSandbox -Sandbox $script:hazard }
    if ($script:clean) { Stop-EksSandbox -Sandbox $script:clean }
    Restore-TestEnvironment -Saved $script:savedEnv
}

Describe 'Test-AutoModeIamRole on the hazard cluster' -Skip:$sandboxMissing {
    It 'names the four missing cluster-role managed policies and lists their ARNs as JSON' {
        $f = $script:h | Where-Object CheckId -EQ 'AMI-CLU-001'
        $f.Status | Should -Be 'Fail'
        $f.Severity | Should -Be 'Blocker'
        $f.Evidence.Name | Sort-Object -Unique | Should -Be 'hazard-eks-cluster-role'
        $json = $f.PolicyJson | ConvertFrom-Json
        $json | Should -Be @('arn:aws:iam::aws:policy/AmazonEKSComputePolicy', 'arn:aws:iam::aws:policy/AmazonEKSBlockStoragePolicy',
            'arn:aws:iam::aws:policy/AmazonEKSLoadBalancingPolicy', 'arn:aws:iam::aws:policy/AmazonEKSNetworkingPolicy')
    }

    It 'finds the trust policy without sts:TagSession and gives the trust policy to apply' {
        $f = $script:h | Where-Object CheckId -EQ 'AMI-CLU-002'
        $f.Status | Should -Be 'Fail'
        $f.Evidence[0].Value | Should -Be 'trust policy: eks.amazonaws.com lacks sts:TagSession'
        $trust = $f.PolicyJson | ConvertFrom-Json
        $trust.Statement[0].Principal.Service | Should -Be 'eks.amazonaws.com'
        $trust.Statement[0].Action | Should -Be @('sts:AssumeRole', 'sts:TagSession')
    }

    It 'accepts the broader node policies of a managed node group role and notes them' {
        $f = $script:h | Where-Object CheckId -EQ 'AMI-NOD-001'
        $f.Status | Should -Be 'Pass'
        $f.Message | Should -Match 'AmazonEKSWorkerNodePolicy \(broader\)'
    }

    It 'fails the node checks when the node role is the cluster role' {
        $r = @(Test-AutoModeIamRole @hazardArgs -ClusterRoleName hazard-eks-cluster-role -NodeRoleName 'arn:aws:iam::111122223333:role/hazard-eks-cluster-role' -CheckId 'AMI-NOD-*')
        ($r | Where-Object CheckId -EQ 'AMI-NOD-003').Status | Should -Be 'Fail'
        ($r | Where-Object CheckId -EQ 'AMI-NOD-002').Evidence[0].Value | Should -Be 'trust policy: ec2.amazonaws.com lacks sts:AssumeRole'
        ($r | Where-Object CheckId -EQ 'AMI-NOD-001').PolicyJson | Should -Match 'AmazonEKSWorkerNodeMinimalPolicy'
    }

    It 'finds the custom NodeClass role without an EC2 access entry and gives the entry to create' {
        $f = $script:h | Where-Object CheckId -EQ 'AMI-ACC-001'
        $f.Status | Should -Be 'Fail'
        $f.Evidence[0].Name | Should -Be 'hazard-custom-node-role'
        $entry = ($f.PolicyJson | ConvertFrom-Json)[0]
        $entry.type | Should -Be 'EC2'
        $entry.principalArn | Should -Be 'arn:aws:iam::111122223333:role/hazard-custom-node-role'
        $entry.accessPolicy.policyArn | Should -Be 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy'
    }

    It 'names the objects asking for custom tags and the missing tag statements' {
        $f = $script:h | Where-Object CheckId -EQ 'AMI-TAG-001'
        $f.Status | Should -Be 'Fail'
        ($f.Evidence | ForEach-Object { "$($_.Kind)/$($_.Name)" } | Sort-Object -Unique) | Should -Be @('NodeClass/tagged', 'StorageClass/auto-ebs-tagged')
        $doc = $f.PolicyJson | ConvertFrom-Json
        $doc.Statement.Sid | Should -Be @('Compute', 'Storage', 'Networking')
        $doc.Statement[0].Condition.StringEquals.'aws:RequestTag/eks:eks-cluster-name' | Should -Be '${aws:PrincipalTag/eks:eks-cluster-name}'
        $doc.Statement[1].Action | Should -Be @('ec2:CreateVolume', 'ec2:CreateSnapshot')
        $f.Message | Should -Match 'evaluated with iam:SimulatePrincipalPolicy \(custom tag keys cost-center, team\)'
        ($f.Evidence | Where-Object Kind -EQ 'StorageClass').Value | Should -Match 'lacks ec2:CreateVolume, ec2:CreateSnapshot \(Allow with conditions aws:RequestTag/eks:eks-cluster-name = \$\{aws:PrincipalTag/eks:eks-cluster-name\}\)$'
    }

    It 'reads the policies instead when iam:SimulatePrincipalPolicy is denied, and says so' {
        $ns = Get-AwsArgs $script:hazard 'AKIASANDBOXNOSIMUL01'
        $f = Test-AutoModeIamRole @ns -ClusterName hazard-eks -NodeRoleName hazard-eks-mng-node-role -CheckId AMI-TAG-001
        $f.Status | Should -Be 'Fail'
        $f.Message | Should -Match "read from the role's inline and customer-managed policies because iam:SimulatePrincipalPolicy failed"
        ($f.PolicyJson | ConvertFrom-Json).Statement.Sid | Should -Be @('Compute', 'Storage', 'Networking')
    }

    It '-Quiet is $false' {
        Test-AutoModeIamRole @hazardArgs -ClusterName hazard-eks -NodeRoleName hazard-eks-mng-node-role -Quiet | Should -BeFalse
    }
}

Describe 'Test-AutoModeIamRole on the clean cluster' -Skip:$sandboxMissing {
    It 'passes every check, including the access entry and tag statements it has' {
        $r = @(Test-AutoModeIamRole @cleanArgs -ClusterName clean-eks -NodeRoleName clean-eks-auto-node-role)
        $r.Count | Should -Be 7
        ($r | Where-Object Status -NE 'Pass' | ForEach-Object { "$($_.CheckId)=$($_.Status) $($_.Message)" }) | Should -BeNullOrEmpty
        ($r | Where-Object CheckId -EQ 'AMI-ACC-001').Message | Should -Match 'clean-eks-custom-node-role'
        ($r | Where-Object CheckId -EQ 'AMI-TAG-001').Message | Should -Match 'Compute, Networking\); evaluated with iam:SimulatePrincipalPolicy'
        Test-AutoModeIamRole @cleanArgs -ClusterName clean-eks -NodeRoleName clean-eks-auto-node-role -Quiet | Should -BeTrue
    }
}

Describe 'Test-AutoModeIamRole with limited permissions or input' -Skip:$sandboxMissing {
    It 'skips (never passes) the IAM checks when iam:GetRole is denied' {
        $ro = Get-AwsArgs $script:clean 'AKIASANDBOXREADONLY1'
        $r = @(Test-AutoModeIamRole @ro -ClusterName clean-eks -NodeRoleName clean-eks-auto-node-role)
        foreach ($id in 'AMI-CLU-001', 'AMI-CLU-002', 'AMI-NOD-001', 'AMI-NOD-002', 'AMI-TAG-001') {
            $f = $r | Where-Object CheckId -EQ $id
            $f.Status | Should -Be 'Skipped' -Because "$id reads IAM"
            $f.SkipReason | Should -Match 'iam:GetRole'
        }
        ($r | Where-Object CheckId -EQ 'AMI-NOD-003').Status | Should -Be 'Pass'
    }

    It 'skips the node checks of a standard cluster without -NodeRoleName, saying what to give' {
        $r = @(Test-AutoModeIamRole @hazardArgs -ClusterName hazard-eks -CheckId 'AMI-NOD-*')
        $r.Status | Sort-Object -Unique | Should -Be 'Skipped'
        $r[0].SkipReason | Should -Match '-NodeRoleName'
    }

    It 'skips the cluster checks when only role names are given' {
        $r = @(Test-AutoModeIamRole @hazardArgs -ClusterRoleName hazard-eks-cluster-role -NodeRoleName hazard-eks-mng-node-role)
        ($r | Where-Object CheckId -EQ 'AMI-ACC-001').Status | Should -Be 'Skipped'
        ($r | Where-Object CheckId -EQ 'AMI-TAG-001').Status | Should -Be 'Skipped'
        ($r | Where-Object CheckId -EQ 'AMI-CLU-002').Status | Should -Be 'Fail'
    }

    It 'reports a role that does not exist as a failure' {
        $f = Test-AutoModeIamRole @hazardArgs -ClusterRoleName no-such-role -CheckId AMI-CLU-001
        $f.Status | Should -Be 'Fail'
        $f.Evidence[0].Value | Should -Be 'does not exist'
    }
}
