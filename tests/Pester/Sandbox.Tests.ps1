#Requires -Version 7.4
# The sandbox against REAL third-party clients: kubectl and the aws CLI. Tests that need a client which is not
# installed are reported as skipped with the reason, never passed.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:kubectl = Get-Command kubectl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $script:aws = Get-Command aws -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ("eam-sandbox-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $script:tmp | Out-Null
    $script:sb = Start-EksSandbox -Scenario automode -Tls
    $script:kcStatic = Join-Path $script:tmp 'static.kubeconfig'
    $script:kcExec = Join-Path $script:tmp 'exec.kubeconfig'
    $script:kcWrong = Join-Path $script:tmp 'wrong.kubeconfig'
    New-EksSandboxKubeconfig -Sandbox $script:sb -Path $script:kcStatic -Auth Static
    New-EksSandboxKubeconfig -Sandbox $script:sb -Path $script:kcExec -Auth Exec -AwsCommand ($(if ($script:aws) { $script:aws.Source } else { 'aws' }))
    (Get-Content -Raw $script:kcStatic).Replace($script:sb.staticToken, 'not-the-token') | Set-Content -LiteralPath $script:kcWrong
    $script:cache = Join-Path $script:tmp 'kube-cache'

    # The aws CLI sees only the scenario credentials: no profile, empty config and credentials files.
    $script:savedEnv = @{}
    $empty = Join-Path $script:tmp 'empty'
    Set-Content -LiteralPath $empty -Value '' -NoNewline
    $envs = @{
        AWS_ACCESS_KEY_ID = $script:sb.accessKeyId; AWS_SECRET_ACCESS_KEY = $script:sb.secretAccessKey; AWS_SESSION_TOKEN = $null
        AWS_DEFAULT_REGION = $script:sb.region; AWS_REGION = $script:sb.region; AWS_PROFILE = $null
        AWS_CONFIG_FILE = $empty; AWS_SHARED_CREDENTIALS_FILE = $empty; AWS_CA_BUNDLE = $script:sb.caPemPath
        AWS_EC2_METADATA_DISABLED = 'true'; AWS_PAGER = $null
    }
    foreach ($k in $envs.Keys) {
        $script:savedEnv[$k] = [Environment]::GetEnvironmentVariable($k)
        if ([string]::IsNullOrEmpty($envs[$k])) { Remove-Item -LiteralPath "Env:$k" -ErrorAction SilentlyContinue }
        else { Set-Item -LiteralPath "Env:$k" -Value $envs[$k] }
    }

    function script:Invoke-Kubectl([string] $Kubeconfig, [string[]] $Arguments) {
        $out = & $script:kubectl.Source --kubeconfig $Kubeconfig --cache-dir $script:cache --request-timeout 20s @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out | ForEach-Object { "$_" }) -join "`n" }
    }
    function script:Invoke-Aws([string[]] $Arguments) {
        $out = & $script:aws.Source @Arguments --endpoint-url $script:sb.awsEndpointUrl --output json 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out | ForEach-Object { "$_" }) -join "`n" }
    }
}

AfterAll {
    if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
    foreach ($k in $script:savedEnv.Keys) {
        if ($null -eq $script:savedEnv[$k]) { Remove-Item -LiteralPath "Env:$k" -ErrorAction SilentlyContinue }
        else { Set-Item -LiteralPath "Env:$k" -Value $script:savedEnv[$k] }
    }
    if ($script:tmp) { Remove-Item -LiteralPath $script:tmp -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Sandbox: start-up contract' {
    It 'prints the endpoints, credentials and clusters as one JSON object' {
        $script:sb.kubernetesUrl | Should -Match '^https://127\.0\.0\.1:\d+$'
        $script:sb.awsEndpointUrl | Should -Match '^https://127\.0\.0\.1:\d+$'
        $script:sb.adminUrl | Should -Match '^http://127\.0\.0\.1:\d+$'
        $script:sb.caPemPath | Should -Exist
        $script:sb.accountId | Should -Be '111122223333'
        $script:sb.clusters[0].name | Should -Be 'automode-eks'
        $script:sb.Process.HasExited | Should -BeFalse
    }

    It 'fails with a clear message for an unknown scenario' {
        { Start-EksSandbox -Scenario 'no-such-scenario' -StartTimeoutSeconds 30 } | Should -Throw -ExpectedMessage "*Scenario 'no-such-scenario' not found*"
    }

    It 'stops cleanly and removes its CA file' {
        $s = Start-EksSandbox -Scenario partial -Tls
        $ca = $s.caPemPath
        $ca | Should -Exist
        Stop-EksSandbox -Sandbox $s
        $s.Process.HasExited | Should -BeTrue
        $s.Process.ExitCode | Should -Be 0
        $ca | Should -Not -Exist
    }
}

Describe 'Sandbox with kubectl' {
    BeforeEach {
        if (-not $script:kubectl) { Set-ItResult -Skipped -Because 'kubectl is not installed on this machine' }
    }

    It 'kubectl get nodes lists Auto Mode nodes named by instance id' {
        $r = Invoke-Kubectl $script:kcStatic @('get', 'nodes', '-L', 'karpenter.sh/nodepool,karpenter.sh/capacity-type')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Match '(?m)^i-0ea0ba0f8ef9ad609\s+Ready\s+.*system\s+on-demand'
        $r.Text | Should -Match '(?m)^i-0e4f5a6b7c8d9a14b\s+Ready\s+.*spot-pool\s+spot'
        ($r.Text -split "`n" | Where-Object { $_ -match '^i-' }).Count | Should -Be 8
    }

    It 'kubectl get nodepools.karpenter.sh -o yaml shows the built-in pools as the article dumps them' {
        $r = Invoke-Kubectl $script:kcStatic @('get', 'nodepools.karpenter.sh', '-o', 'yaml')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Match 'kind: NodePool'
        $r.Text | Should -Match 'karpenter.sh/nodepool-hash: "4982684901400657622"'
        $r.Text | Should -Match 'key: CriticalAddonsOnly'
        $r.Text | Should -Match 'name: general-purpose'
        $r.Text | Should -Match 'name: spot-pool'
        $j = (Invoke-Kubectl $script:kcStatic @('get', 'nodepools.karpenter.sh', '-o', 'json')).Text | ConvertFrom-Json
        @($j.items.metadata.name) | Should -Be @('general-purpose', 'spot-pool', 'system')
    }

    It 'kubectl --chunk-size pages through the list with continue tokens' {
        Reset-EksSandboxRequestCount -Sandbox $script:sb
        $r = Invoke-Kubectl $script:kcStatic @('get', 'nodes', '--chunk-size', '3', '-o', 'name')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        ($r.Text -split "`n" | Where-Object { $_ -like 'node/*' }).Count | Should -Be 8
        Get-EksSandboxRequestCount -Sandbox $script:sb -Operation 'k8s:list:nodes' | Should -Be 3
    }

    It 'kubectl shows the failing NodeClaim with Launched=Unknown/Unauthorized' {
        $r = Invoke-Kubectl $script:kcStatic @('get', 'nodeclaim', 'spot-pool-x7kqf', '-o', 'jsonpath={.status.conditions[?(@.type=="Launched")].reason}')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Be 'Unauthorized'
    }

    It 'kubectl with an exec credential plugin (aws eks get-token) authenticates' {
        if (-not $script:aws) { Set-ItResult -Skipped -Because 'the aws CLI (needed by the exec plugin) is not installed'; return }
        $r = Invoke-Kubectl $script:kcExec @('get', 'nodeclasses.eks.amazonaws.com', '-o', 'name')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $r.Text | Should -Match 'nodeclass.eks.amazonaws.com/default'
        $r.Text | Should -Match 'nodeclass.eks.amazonaws.com/custom-class'
    }

    It 'kubectl with a wrong token is refused' {
        $r = Invoke-Kubectl $script:kcWrong @('get', 'nodes')
        $r.ExitCode | Should -Not -Be 0
        $r.Text | Should -Match 'Unauthorized|must be logged in'
    }

    It 'kubectl patch --type merge changes a NodePool' {
        $r = Invoke-Kubectl $script:kcStatic @('patch', 'nodepools.karpenter.sh', 'spot-pool', '--type', 'merge', '-p', '{"spec":{"limits":{"cpu":"96"}}}')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        (Invoke-Kubectl $script:kcStatic @('get', 'nodepool', 'spot-pool', '-o', 'jsonpath={.spec.limits.cpu}')).Text | Should -Be '96'
    }
}

Describe 'Sandbox with the aws CLI' {
    BeforeEach {
        if (-not $script:aws) { Set-ItResult -Skipped -Because 'the aws CLI is not installed on this machine' }
    }

    It 'aws eks describe-cluster shows computeConfig, storageConfig and the CA' {
        $r = Invoke-Aws @('eks', 'describe-cluster', '--name', 'automode-eks')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $c = ($r.Text | ConvertFrom-Json).cluster
        $c.computeConfig.enabled | Should -BeTrue
        @($c.computeConfig.nodePools) | Should -Be @('general-purpose', 'system')
        $c.computeConfig.nodeRoleArn | Should -Be 'arn:aws:iam::111122223333:role/automode-eks-AmazonEKSAutoNodeRole'
        $c.storageConfig.blockStorage.enabled | Should -BeTrue
        $c.kubernetesNetworkConfig.elasticLoadBalancing.enabled | Should -BeTrue
        $c.endpoint | Should -Be $script:sb.kubernetesUrl
        [Text.Encoding]::ASCII.GetString([Convert]::FromBase64String($c.certificateAuthority.data)) | Should -Be (Get-Content -Raw $script:sb.caPemPath)
    }

    It 'aws eks list-clusters lists the scenario cluster' {
        $r = Invoke-Aws @('eks', 'list-clusters')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        @(($r.Text | ConvertFrom-Json).clusters) | Should -Be @('automode-eks')
    }

    It 'aws ec2 describe-instances shows managed instances with EKS tags and spot lifecycle' {
        $r = Invoke-Aws @('ec2', 'describe-instances', '--filters', 'Name=tag:eks:eks-cluster-name,Values=automode-eks')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $inst = @(($r.Text | ConvertFrom-Json).Reservations.Instances)
        $inst.Count | Should -Be 8
        $spot = $inst | Where-Object InstanceId -EQ 'i-0e4f5a6b7c8d9a14b'
        $spot.InstanceLifecycle | Should -Be 'spot'
        $spot.Operator.Managed | Should -BeTrue
        $spot.Operator.Principal | Should -Be 'eks.amazonaws.com'
        ($spot.Tags | Where-Object Key -EQ 'eks:kubernetes-node-pool-name').Value | Should -Be 'spot-pool'
    }

    It 'aws sts get-caller-identity returns the scenario identity' {
        $r = Invoke-Aws @('sts', 'get-caller-identity')
        $r.ExitCode | Should -Be 0 -Because $r.Text
        $id = $r.Text | ConvertFrom-Json
        $id.Account | Should -Be '111122223333'
        $id.Arn | Should -Be 'arn:aws:iam::111122223333:user/sandbox-admin'
    }

    It 'aws CLI with a wrong secret gets the real signature error' {
        $saved = $env:AWS_SECRET_ACCESS_KEY
        try {
            $env:AWS_SECRET_ACCESS_KEY = 'definitely-not-the-secret'
            $r = Invoke-Aws @('sts', 'get-caller-identity')
        }
        finally { $env:AWS_SECRET_ACCESS_KEY = $saved }
        $r.ExitCode | Should -Not -Be 0
        $r.Text | Should -Match 'SignatureDoesNotMatch'
    }

    It 'aws CLI retries a throttled call and succeeds' {
        Set-EksSandboxFault -Sandbox $script:sb -Faults 'eks:ListClusters=throttle#1'
        try {
            $r = Invoke-Aws @('eks', 'list-clusters')
            $r.ExitCode | Should -Be 0 -Because $r.Text
            Get-EksSandboxRequestCount -Sandbox $script:sb -Operation 'eks:ListClusters' | Should -BeGreaterOrEqual 2
        }
        finally { Set-EksSandboxFault -Sandbox $script:sb -Faults '' }
    }
}
