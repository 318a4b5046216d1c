# Get-AutoModeCluster and the AWS access core, end to end against the loopback sandbox (tests/Sandbox) through
# -EndpointUrl, with the scenario TestData/Aws/clusters.scenario.yaml (one cluster per Auto Mode state).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:sandboxMissing = $false
    try { $null = Get-EksSandboxPath } catch { $script:sandboxMissing = $true }
    # The sandbox's own scenarios, each with what Get-AutoModeCluster must report (name=Mode per region).
    $script:scenarioCases = @(
        @{ Scenario = 'automode'; Region = 'us-west-2'; Expected = @('automode-eks=Auto') }
        @{ Scenario = 'standard'; Region = 'us-west-2'; Expected = @('standard-eks=Standard') }
        @{ Scenario = 'partial'; Region = 'us-west-2'; Expected = @('partial-eks=PartiallyEnabled', 'partial-lb-off=PartiallyEnabled', 'typo-pools=Auto', 'no-builtins=Auto') }
        @{ Scenario = 'mixed'; Region = 'us-west-2'; Expected = @('mixed-eks=Auto') }
        @{ Scenario = 'mixed'; Region = 'ap-northeast-1'; Expected = @('tokyo-auto=Auto') }
        @{ Scenario = 'mixed'; Region = 'us-east-1'; Expected = @('legacy-east=Standard') }
    )
}

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:scenario = Join-Path $PSScriptRoot 'TestData/Aws/clusters.scenario.yaml'
    # Never let a test fall through to the real instance metadata service (a non-loopback address).
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    Import-Module (Join-Path $PSScriptRoot 'Common.psm1') -Force
    $script:savedEnv = Clear-TestEnvironment -Name 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
        'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_ENDPOINT_URL', 'AWS_CA_BUNDLE'
    $script:tmpHome = Join-Path ([IO.Path]::GetTempPath()) ('eam-home-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Force (Join-Path $script:tmpHome '.aws') | Out-Null
    $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $script:tmpHome '.aws/credentials'
    $env:AWS_CONFIG_FILE = Join-Path $script:tmpHome '.aws/config'

    function Set-TestFault([string] $Spec) {
        Set-EksSandboxFault -Sandbox $script:sb -Faults $Spec
        Reset-EksSandboxRequestCount -Sandbox $script:sb
    }

    function Get-TestRequestCount([string] $Operation) { Get-EksSandboxRequestCount -Sandbox $script:sb -Operation "*$Operation" }

    function Get-Identity([string] $Prefix) { $script:sb.identities | Where-Object accessKeyId -like "$Prefix*" | Select-Object -First 1 }

    if (-not $sandboxMissing) {
        $script:sb = Start-EksSandbox -Scenario $script:scenario -Seed 7
        $admin = Get-Identity 'AKIASBXCLUSTERADMIN'
        $script:aws = @{ EndpointUrl = $script:sb.awsEndpointUrl; Region = $script:sb.region; AccessKey = $admin.accessKeyId; SecretKey = $admin.secretAccessKey }
    }
}

AfterAll {
    if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
    Restore-TestEnvironment -Saved $script:savedEnv
    Remove-Item -Recurse -Force $script:tmpHome -ErrorAction SilentlyContinue
}

Describe 'Get-AutoModeCluster against the sandbox' -Skip:$sandboxMissing {
    BeforeEach { Set-TestFault '' }

    It 'lists every cluster in the region with its Auto Mode state' {
        $all = @(Get-AutoModeCluster @aws)
        $all.Name | Should -Be @('auto-prod', 'standard-legacy', 'half-compute', 'half-storage', 'typo-pools')
        ($all | ForEach-Object { "$($_.Name)=$($_.Mode)" }) | Should -Be @(
            'auto-prod=Auto', 'standard-legacy=Standard', 'half-compute=PartiallyEnabled', 'half-storage=PartiallyEnabled', 'typo-pools=Auto')
        $all.Region | Sort-Object -Unique | Should -Be 'us-west-2'
        $all[0] | Should -BeOfType ([EksAutoMode.AutoModeCluster])
    }

    It 'reports an Auto Mode cluster: pools, node role, support policy, endpoint and redundant add-ons' {
        $c = Get-AutoModeCluster @aws -Name auto-prod
        $c.Version | Should -Be '1.33'
        $c.Status | Should -Be 'ACTIVE'
        $c.BuiltInNodePools | Should -Be @('general-purpose', 'system')
        $c.UnknownNodePools | Should -BeNullOrEmpty
        $c.NodeRoleArn | Should -Be 'arn:aws:iam::444455556666:role/eks/AmazonEKSAutoNodeRole'
        $c.NodeRoleName | Should -Be 'AmazonEKSAutoNodeRole'
        $c.SupportType | Should -Be 'EXTENDED'
        $c.Endpoint | Should -Match '^https?://127\.0\.0\.1:\d+'
        $c.RedundantAddons.Name | Should -Be @('vpc-cni', 'kube-proxy', 'coredns')
        $c.InstalledAddons | Should -Contain 'metrics-server'
        $c.ManagedNodeGroupCount | Should -Be 1
        $c.RedundantAddons[0].Advice | Should -Match '1 managed node group'
        $c.Advice | Should -BeNullOrEmpty
    }

    It 'detects a PartiallyEnabled cluster either way round and says the three must be enabled together' {
        $half = Get-AutoModeCluster @aws -Name half-compute, half-storage
        $half.Mode | Should -Be @('PartiallyEnabled', 'PartiallyEnabled')
        $half[0].ComputeEnabled | Should -BeTrue
        $half[0].BlockStorageEnabled | Should -BeFalse
        $half[0].Advice | Should -Match 'compute on, block storage off, load balancing off'
        $half[1].Advice | Should -Match 'compute off, block storage on, load balancing on'
        $half[1].Advice | Should -Match 'enabled or disabled together'
    }

    It 'reports a typo in computeConfig.nodePools as an unknown pool with a suggestion' {
        $c = Get-AutoModeCluster @aws -Name typo-pools
        $c.UnknownNodePools | Should -Be @('sytem')
        $c.BuiltInNodePools | Should -Be @('general-purpose')
        $c.Advice | Should -Match "did you mean 'system'"
    }

    It 'does not call add-ons of a standard cluster redundant' {
        $c = Get-AutoModeCluster @aws -Name standard-legacy
        $c.Mode | Should -Be 'Standard'
        $c.InstalledAddons | Should -Contain 'vpc-cni'
        $c.RedundantAddons | Should -BeNullOrEmpty
    }

    It 'takes names from the pipeline by value (Get-EKSClusterList) and by property name (Get-EKSCluster)' {
        @('auto-prod', 'typo-pools' | Get-AutoModeCluster @aws).Name | Should -Be @('auto-prod', 'typo-pools')
        @([pscustomobject]@{ Name = 'half-compute'; Arn = 'arn:aws:eks:us-west-2:444455556666:cluster/half-compute' } | Get-AutoModeCluster @aws).Mode | Should -Be 'PartiallyEnabled'
        @([pscustomobject]@{ ClusterName = 'standard-legacy' } | Get-AutoModeCluster @aws).Mode | Should -Be 'Standard'
    }

    It 'writes a non-terminating error for a missing cluster and goes on with the others' {
        $out = @(Get-AutoModeCluster @aws -Name auto-prod, does-not-exist, typo-pools -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Name | Should -Be @('auto-prod', 'typo-pools')
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ResourceNotFoundException,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'does-not-exist'
        $errs[0].Exception.Message | Should -Match '^EKS DescribeCluster failed: ResourceNotFoundException'
    }

    It 'names the IAM action when access is denied' {
        $id = Get-Identity 'AKIASBXNODESCRIBE'
        $null = Get-AutoModeCluster -EndpointUrl $sb.awsEndpointUrl -Region $sb.region -AccessKey $id.accessKeyId -SecretKey $id.secretAccessKey -Name auto-prod -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $errs[0].Exception.Message | Should -Match "eks:DescribeCluster"
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'eks:DescribeCluster'
    }

    It 'still reports the cluster when ListAddons is denied, with a warning' {
        $id = Get-Identity 'AKIASBXNOADDONSLIST'
        $c = Get-AutoModeCluster -EndpointUrl $sb.awsEndpointUrl -Region $sb.region -AccessKey $id.accessKeyId -SecretKey $id.secretAccessKey -Name auto-prod -WarningVariable warns -WarningAction SilentlyContinue
        $c.Mode | Should -Be 'Auto'
        $warns | Should -Match 'eks:ListAddons'
    }

    It 'retries throttling from the sandbox and says so with -Verbose' {
        Set-TestFault '*DescribeCluster=throttle#2'
        $records = Get-AutoModeCluster @aws -Name auto-prod -Verbose 4>&1
        ($records | Where-Object { $_ -is [EksAutoMode.AutoModeCluster] }).Name | Should -Be 'auto-prod'
        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'retrying' }).Count | Should -Be 2
        Get-TestRequestCount 'DescribeCluster' | Should -Be 3
    }

    It 'writes retry lines to the debug stream under -Debug alone, without an Inquire prompt' {
        Set-TestFault '*DescribeCluster=throttle#1'
        $records = Get-AutoModeCluster @aws -Name auto-prod -Debug 5>&1
        ($records | Where-Object { $_ -is [EksAutoMode.AutoModeCluster] }).Name | Should -Be 'auto-prod'
        @($records | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -match 'retrying' }).Count | Should -Be 1
    }

    It 'stops promptly when the pipeline is stopped (Ctrl+C) during a slow call' {
        Set-TestFault '*DescribeCluster=latency:30000'
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($m, $p) Import-Module $m; Get-AutoModeCluster @p -Name auto-prod').AddArgument($env:EKSAUTOMODE_MODULE_PATH).AddArgument($aws)
        $handle = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-TestRequestCount 'DescribeCluster') -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Stop()
        $handle.IsCompleted | Should -BeTrue
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10 -Because 'hang guard: the 30 s response must not be awaited'
        $ps.Dispose()
        Set-TestFault ''
    }
}

Describe 'Get-AutoModeCluster on the sandbox scenario <Scenario> in <Region>' -ForEach $scenarioCases -Skip:$sandboxMissing {
    BeforeAll {
        $script:scenarioSandbox = Start-EksSandbox -Scenario $Scenario
        $script:p = @{ EndpointUrl = $scenarioSandbox.awsEndpointUrl; Region = $Region; AccessKey = $scenarioSandbox.accessKeyId; SecretKey = $scenarioSandbox.secretAccessKey }
    }
    AfterAll { Stop-EksSandbox -Sandbox $script:scenarioSandbox }

    It 'reports every cluster of the region with the right mode' {
        $clusters = @(Get-AutoModeCluster @p)
        ($clusters | ForEach-Object { "$($_.Name)=$($_.Mode)" }) | Should -Be $Expected
        $clusters.Region | Sort-Object -Unique | Should -Be $Region
        foreach ($c in $clusters) {
            $c.Version | Should -Match '^1\.\d+$'
            $c.Endpoint | Should -Match '^https?://127\.0\.0\.1:'
            if ($c.Mode -eq 'PartiallyEnabled') { $c.Advice | Should -Match 'enabled or disabled together' }
            if ($c.Mode -eq 'Standard') { $c.RedundantAddons | Should -BeNullOrEmpty }
            if ($c.BuiltInNodePools) { $c.NodeRoleName | Should -Not -BeNullOrEmpty }
        }
    }

    It 'gives the details this scenario is about' {
        switch ($Scenario) {
            'automode' {
                $c = Get-AutoModeCluster @p -Name automode-eks
                $c.BuiltInNodePools | Should -Be @('general-purpose', 'system')
                $c.NodeRoleName | Should -Be 'automode-eks-AmazonEKSAutoNodeRole'
                $c.RedundantAddons.Name | Should -Be @('eks-pod-identity-agent')
            }
            'standard' {
                $c = Get-AutoModeCluster @p -Name standard-eks
                $c.InstalledAddons | Should -Contain 'aws-ebs-csi-driver'
                $c.NodeRoleArn | Should -BeNullOrEmpty
            }
            'partial' {
                $c = Get-AutoModeCluster @p -Name partial-eks, partial-lb-off, typo-pools, no-builtins
                $c[0].Advice | Should -Match 'block storage off'
                $c[1].Advice | Should -Match 'load balancing off'
                $c[2].UnknownNodePools | Should -Be @('sytem')
                $c[2].Advice | Should -Match "did you mean 'system'"
                $c[3].BuiltInNodePools | Should -BeNullOrEmpty
                $c[3].Advice | Should -Match 'No built-in node pools'
            }
            'mixed' {
                if ($Region -eq 'us-west-2') {
                    $c = Get-AutoModeCluster @p -Name mixed-eks
                    $c.RedundantAddons.Name | Should -Be @('vpc-cni', 'kube-proxy', 'coredns')
                    $c.ManagedNodeGroupCount | Should -BeGreaterThan 0
                    $c.RedundantAddons[0].Advice | Should -Match 'Keep it until'
                }
                else {
                    # A cluster of another region is not found from this one.
                    $null = Get-AutoModeCluster @p -Name mixed-eks -ErrorVariable errs -ErrorAction SilentlyContinue
                    $errs[0].FullyQualifiedErrorId | Should -BeLike 'ResourceNotFoundException,*'
                }
            }
        }
    }
}

Describe 'Credential and region resolution through the cmdlet' -Skip:$sandboxMissing {
    BeforeEach { Set-TestFault '' }
    BeforeAll {
        $admin = Get-Identity 'AKIASBXCLUSTERADMIN'
        $session = Get-Identity 'ASIASBXSESSION'
        $script:ep = @{ EndpointUrl = $sb.awsEndpointUrl; Name = 'auto-prod' }
        Set-Content -Path $env:AWS_SHARED_CREDENTIALS_FILE -Value @"
[default]
aws_access_key_id = AKIAWRONGDEFAULT0001
aws_secret_access_key = wrong
[sandbox]
aws_access_key_id = $($admin.accessKeyId)
aws_secret_access_key = $($admin.secretAccessKey)
[session]
aws_access_key_id = $($session.accessKeyId)
aws_secret_access_key = $($session.secretAccessKey)
aws_session_token = $($session.sessionToken)
"@
        Set-Content -Path $env:AWS_CONFIG_FILE -Value "[profile sandbox]`nregion = $($sb.region)`n"
    }
    AfterEach {
        Remove-Variable -Name StoredAWSCredentials, StoredAWSRegion -Scope Global -ErrorAction SilentlyContinue
        Remove-Item Function:\Get-AWSCredential -ErrorAction SilentlyContinue
        $env:AWS_ACCESS_KEY_ID = $null; $env:AWS_SECRET_ACCESS_KEY = $null; $env:AWS_PROFILE = $null; $env:AWS_REGION = $null
    }

    It 'uses -ProfileName and the profile region, and says so with -Debug' {
        $out = Get-AutoModeCluster @ep -ProfileName sandbox -Debug 5>&1
        ($out | Where-Object { $_ -is [EksAutoMode.AutoModeCluster] }).Mode | Should -Be 'Auto'
        $debug = @($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message
        ($debug -like "Credentials obtained from profile 'sandbox' in $($env:AWS_SHARED_CREDENTIALS_FILE)*") | Should -Not -BeNullOrEmpty
        ($debug -match '^Region obtained from the region of profile ''sandbox''') | Should -Not -BeNullOrEmpty
    }

    It 'uses session-token credentials from a profile' {
        (Get-AutoModeCluster @ep -ProfileName session -Region $sb.region).Name | Should -Be 'auto-prod'
    }

    It 'fails on a -ProfileName that does not exist instead of falling back to the default profile' {
        $env:AWS_ACCESS_KEY_ID = (Get-Identity 'AKIASBXCLUSTERADMIN').accessKeyId
        $env:AWS_SECRET_ACCESS_KEY = (Get-Identity 'AKIASBXCLUSTERADMIN').secretAccessKey
        { Get-AutoModeCluster @ep -ProfileName typo -Region $sb.region -ErrorAction Stop } | Should -Throw -ErrorId 'AwsProfileNotFound,EksAutoMode.Commands.GetAutoModeClusterCommand'
    }

    It 'prefers environment credentials over the default profile, with AWS_REGION' {
        $env:AWS_ACCESS_KEY_ID = (Get-Identity 'AKIASBXCLUSTERADMIN').accessKeyId
        $env:AWS_SECRET_ACCESS_KEY = (Get-Identity 'AKIASBXCLUSTERADMIN').secretAccessKey
        $env:AWS_REGION = $sb.region
        $out = Get-AutoModeCluster @ep -Debug 5>&1
        ($out | Where-Object { $_ -is [EksAutoMode.AutoModeCluster] }).Name | Should -Be 'auto-prod'
        ($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message | Should -Contain 'Credentials obtained from environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY'
    }

    It 'uses AWS_PROFILE' {
        $env:AWS_PROFILE = 'sandbox'
        (Get-AutoModeCluster @ep).Name | Should -Be 'auto-prod'
    }

    It 'reads AWS.Tools shell credentials through Get-AWSCredential and $StoredAWSRegion' {
        # Stand-ins with the shapes AWS.Tools uses: an AWSCredentials-like object whose GetCredentials() returns
        # ImmutableCredentials-like AccessKey/SecretKey/Token, and $StoredAWSRegion as a plain string.
        $id = Get-Identity 'AKIASBXCLUSTERADMIN'
        $creds = [pscustomobject]@{ Name = 'shell' }
        $creds | Add-Member -MemberType ScriptMethod -Name GetCredentials -Value ([scriptblock]::Create("[pscustomobject]@{ AccessKey = '$($id.accessKeyId)'; SecretKey = '$($id.secretAccessKey)'; Token = `$null; UseToken = `$false }"))
        $global:StoredAWSCredentials = 'shell'
        $global:StoredAWSRegion = $sb.region
        $global:__shellCreds = $creds
        function global:Get-AWSCredential { $global:__shellCreds }
        $out = Get-AutoModeCluster @ep -Debug 5>&1
        ($out | Where-Object { $_ -is [EksAutoMode.AutoModeCluster] }).Name | Should -Be 'auto-prod'
        $debug = ($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message
        $debug | Should -Contain 'Credentials obtained from the shell credentials $StoredAWSCredentials (Set-AWSCredential)'
        ($debug -match 'Region obtained from the shell default \$StoredAWSRegion') | Should -Not -BeNullOrEmpty
    }

    It 'accepts -Credential as an AWS.Tools-like object and as a PSCredential, and -Region as an object' {
        $id = Get-Identity 'AKIASBXCLUSTERADMIN'
        $awsLike = [pscustomobject]@{}
        $awsLike | Add-Member -MemberType ScriptMethod -Name GetCredentials -Value ([scriptblock]::Create("[pscustomobject]@{ AccessKey = '$($id.accessKeyId)'; SecretKey = '$($id.secretAccessKey)'; Token = '' }"))
        (Get-AutoModeCluster @ep -Credential $awsLike -Region ([pscustomobject]@{ SystemName = $sb.region })).Name | Should -Be 'auto-prod'
        $ps = [pscredential]::new($id.accessKeyId, (ConvertTo-SecureString $id.secretAccessKey -AsPlainText -Force))
        (Get-AutoModeCluster @ep -Credential $ps -Region $sb.region).Name | Should -Be 'auto-prod'
    }

    It 'explicit keys win over every other source' {
        $env:AWS_PROFILE = 'default'
        $id = Get-Identity 'AKIASBXCLUSTERADMIN'
        (Get-AutoModeCluster @ep -AK $id.accessKeyId -SK $id.secretAccessKey -Region $sb.region -ProfileName default).Name | Should -Be 'auto-prod'
    }

    It 'completes -ProfileName from the shared files' {
        $line = 'Get-AutoModeCluster -ProfileName se'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('session')
        $line = 'Get-AutoModeCluster -ProfileName '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('default', 'sandbox', 'session')
    }

    It 'gives a clear error when no region can be found' {
        Remove-Item $env:AWS_CONFIG_FILE
        try {
            { Get-AutoModeCluster @ep -ProfileName sandbox -ErrorAction Stop } | Should -Throw -ErrorId 'AwsRegionNotFound,EksAutoMode.Commands.GetAutoModeClusterCommand'
        }
        finally { Set-Content -Path $env:AWS_CONFIG_FILE -Value "[profile sandbox]`nregion = $($sb.region)`n" }
    }
}

Describe 'Secrets never appear in any stream' -Skip:$sandboxMissing {
    It 'keeps keys, session tokens and bearer tokens out of output, verbose, debug, warnings and errors' {
        $session = Get-Identity 'ASIASBXSESSION'
        $admin = Get-Identity 'AKIASBXCLUSTERADMIN'
        $noAddons = Get-Identity 'AKIASBXNOADDONSLIST'
        $secrets = @($session.secretAccessKey, $session.sessionToken, $admin.secretAccessKey, $noAddons.secretAccessKey, 'WrongSecretValue123')
        Set-TestFault '*DescribeCluster=503#1'
        $runs = @(
            @{ EndpointUrl = $sb.awsEndpointUrl; Region = $sb.region; AccessKey = $session.accessKeyId; SecretKey = $session.secretAccessKey; SessionToken = $session.sessionToken }
            @{ EndpointUrl = $sb.awsEndpointUrl; Region = $sb.region; AccessKey = $admin.accessKeyId; SecretKey = 'WrongSecretValue123' }
            @{ EndpointUrl = $sb.awsEndpointUrl; Region = $sb.region; AccessKey = $noAddons.accessKeyId; SecretKey = $noAddons.secretAccessKey }
        )
        $records = foreach ($p in $runs) {
            Get-AutoModeCluster @p -Name auto-prod, missing-cluster -Verbose -Debug -ErrorAction Continue -WarningAction Continue *>&1
        }
        $records.Count | Should -BeGreaterThan 5
        @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterOrEqual 3
        $text = foreach ($r in $records) {
            $r | Out-String
            $r | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue
            if ($r -is [System.Management.Automation.ErrorRecord]) {
                $r.Exception.ToString(); "$($r.TargetObject)"; "$($r.ErrorDetails)"; $r.ErrorDetails.RecommendedAction; $r.CategoryInfo.ToString()
                # $Error logged by a runbook includes the invocation's bound parameters: they must be masked too.
                $r.InvocationInfo.BoundParameters | ConvertTo-Json -Depth 2
            }
        }
        $all = $text -join "`n"
        foreach ($secret in $secrets) { $all | Should -Not -Match ([regex]::Escape($secret)) }
        $all | Should -Not -Match 'k8s-aws-v1\.'
        $all | Should -Not -Match 'Signature=[0-9a-f]{64}'
    }
}
