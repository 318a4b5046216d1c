# Everyday use (issue 13, items 9-10): conversion output that pipes on, notes with file and line, offline tab
# completion that answers at once, and AWS_ENDPOINT_URL_<SERVICE> honoured like the AWS SDKs (against the sandbox).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:sandboxMissing = $false
    try { $null = Get-EksSandboxPath } catch { $script:sandboxMissing = $true }
    $script:completionCases = @(
        @{ Line = 'Get-AutoModeDifference -Topic Node'; Expect = "'Node autoscaling (Karpenter)'" }
        @{ Line = 'ConvertTo-OssKarpenter -AmiAlias al20'; Expect = 'al2023@latest' }
        @{ Line = 'ConvertTo-OssKarpenter -AmiAlias '; Expect = 'bottlerocket@latest' }
        @{ Line = 'ConvertFrom-OssKarpenter -Taint team=batch:No'; Expect = 'team=batch:NoSchedule', 'team=batch:NoExecute' }
        @{ Line = 'ConvertFrom-OssKarpenter -Taint eks'; Expect = 'eks-auto-mode:NoSchedule' }
        @{ Line = 'Get-AutoModeNodePool -Name gen'; Expect = 'general-purpose' }
        @{ Line = 'Get-AutoModeNodeClass -Name d'; Expect = 'default' }
        @{ Line = 'Get-AutoModeNode -NodePool sys'; Expect = 'system' }
        @{ Line = 'Invoke-AutoModeNodeRotation -NodePool gen'; Expect = 'general-purpose' }
        @{ Line = 'Measure-AutoModeCost -NodePool s'; Expect = 'system' }
    )
}

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:examples = Join-Path $env:EKSAUTOMODE_REPO_ROOT 'examples'
}

Describe 'ConvertFrom-OssKarpenter output composes' {
    BeforeAll {
        $script:files = @((Join-Path $examples 'karpenter/ec2nodeclass-al2023.yaml'), (Join-Path $examples 'karpenter/nodepool-default.yaml'))
        $script:converted = @(ConvertFrom-OssKarpenter -LiteralPath $files)
    }

    It 'pipes straight into ConvertTo-OssKarpenter (the manifest it carries, bound by property name)' {
        $back = @($converted | ConvertTo-OssKarpenter -ErrorVariable err -ErrorAction SilentlyContinue)
        @(ConvertTo-OssKarpenter -InputObject $converted[0]).TargetKind | Should -Be 'EC2NodeClass'
        $err | Should -BeNullOrEmpty
        $back.Count | Should -Be 2
        $back.TargetKind | Should -Be @('EC2NodeClass', 'NodePool')
        $back.TargetName | Should -Be $converted.TargetName
        $back.IsValid | Should -Be @($true, $true)
    }

    It 'pipes straight into the Test-* cmdlets' {
        $converted | Test-AutoModeManifest -Quiet | Should -BeTrue
        @($converted | Test-AutoModeManifest -PassThru).Kind | Should -Contain 'NodeClass'
        @($converted | Test-NodePoolSpec -PassThru).Kind | Should -Be 'NodePool'
    }

    It 'gives every note its source file and the line of its field' {
        $notes = @($converted[0].Notes)
        $notes.Count | Should -BeGreaterThan 0
        $lines = Get-Content $files[0]
        foreach ($n in $notes) {
            $n.SourceFile | Should -Be $files[0]
            $n.Line | Should -BeGreaterThan 0
        }
        $owner = $notes | Where-Object SourcePath -EQ 'spec.capacityReservationSelectorTerms[0].ownerID'
        $lines[$owner.Line - 1] | Should -Match 'ownerID:'
        $owner.ToString() | Should -BeLike "$($files[0]):$($owner.Line): Info Mapped *"
        ($notes | Format-Table | Out-String) | Should -Match "\s$($owner.Line)\s+Info"
    }
}

Describe 'Tab completion' {
    It '<Line> completes <Expect> at once, offline' -ForEach $completionCases {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10   # hang guard: completers never reach AWS or a cluster
        foreach ($e in $Expect) { $result.CompletionMatches.CompletionText | Should -Contain $e }
    }

    It 'completes no names that only a live cluster knows (NodeClaims)' {
        (TabExpansion2 -inputScript 'Get-AutoModeNodeClaim -Name ' -cursorColumn 28).CompletionMatches.ResultType | Should -Not -Contain 'ParameterValue'
    }
}

Describe 'AWS_ENDPOINT_URL_<SERVICE> against the sandbox' -Skip:$sandboxMissing {
    BeforeAll {
        $script:saved = @{}
        $script:sb = Start-EksSandbox -Scenario automode
        $vars = @{
            AWS_ACCESS_KEY_ID = $sb.accessKeyId; AWS_SECRET_ACCESS_KEY = $sb.secretAccessKey; AWS_SESSION_TOKEN = $null; AWS_PROFILE = $null
            AWS_REGION = $sb.region; AWS_EC2_METADATA_DISABLED = 'true'
            # Nothing listens on the discard port: a call that goes there fails at once with a connection error.
            AWS_ENDPOINT_URL = 'http://127.0.0.1:9'; AWS_ENDPOINT_URL_EKS = $null; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = $null
            AWS_SHARED_CREDENTIALS_FILE = Join-Path $TestDrive 'none'; AWS_CONFIG_FILE = Join-Path $TestDrive 'none'
        }
        foreach ($k in $vars.Keys) { $script:saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
    }

    AfterAll {
        if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
        foreach ($k in $script:saved.Keys) { [Environment]::SetEnvironmentVariable($k, $script:saved[$k]) }
    }

    AfterEach { $env:AWS_ENDPOINT_URL_EKS = $null; $env:AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = $null }

    It 'uses AWS_ENDPOINT_URL when no service-specific variable is set' {
        { Get-AutoModeCluster -TimeoutSec 5 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*127.0.0.1:9*'
    }

    It 'lets AWS_ENDPOINT_URL_EKS beat AWS_ENDPOINT_URL' {
        $env:AWS_ENDPOINT_URL_EKS = $sb.awsEndpointUrl
        $cluster = Get-AutoModeCluster -TimeoutSec 20 -ErrorAction Stop
        $cluster.Name | Should -Contain 'automode-eks'
        ($cluster | Where-Object Name -EQ 'automode-eks').Mode | Should -Be 'Auto'
    }

    It 'says in -Debug where each service goes' {
        $env:AWS_ENDPOINT_URL_EKS = $sb.awsEndpointUrl
        $debug = Get-AutoModeCluster -TimeoutSec 20 -Debug 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }
        $debug.Message | Should -Contain "AWS endpoint override: EKS: $($sb.awsEndpointUrl.TrimEnd('/'))/ (AWS_ENDPOINT_URL_EKS)"
    }

    It 'lets an explicit -EndpointUrl beat both, also with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true' {
        $env:AWS_ENDPOINT_URL_EKS = 'http://127.0.0.1:9'
        $env:AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = 'true'
        (Get-AutoModeCluster -EndpointUrl $sb.awsEndpointUrl -TimeoutSec 20 -ErrorAction Stop).Name | Should -Contain 'automode-eks'
    }

    It 'reports a malformed service variable as AwsInvalidEndpoint naming it' {
        $env:AWS_ENDPOINT_URL_EKS = 'not a url'
        { Get-AutoModeCluster -TimeoutSec 5 } | Should -Throw -ErrorId 'AwsInvalidEndpoint*' -ExpectedMessage "*AWS_ENDPOINT_URL_EKS 'not a url'*"
    }
}
