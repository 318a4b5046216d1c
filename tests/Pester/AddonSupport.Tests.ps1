# Get-AutoModeAddonSupport against the sandbox's standard scenario (Kubernetes 1.31; the shared catalogue publishes
# add-on versions for 1.29-1.33 unevenly, so some add-ons have builds for the target and some do not).

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
    if (-not $sandboxMissing) {
        $script:sb = Start-EksSandbox -Scenario standard
        $script:aws = @{ EndpointUrl = $script:sb.awsEndpointUrl; Region = $script:sb.region; AccessKey = $script:sb.accessKeyId; SecretKey = $script:sb.secretAccessKey }
    }
}

AfterAll {
    if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
    Restore-TestEnvironment -Saved $script:savedEnv
}

Describe 'Get-AutoModeAddonSupport' -Skip:$sandboxMissing {
    It 'defaults to the next minor version and reports the versions EKS publishes for it' {
        $r = @(Get-AutoModeAddonSupport @aws -ClusterName standard-eks)
        $r[0] | Should -BeOfType ([EksAutoMode.AutoModeAddonSupport])
        $r.TargetKubernetesVersion | Sort-Object -Unique | Should -Be '1.32'
        $cni = $r | Where-Object Name -EQ 'vpc-cni'
        $cni.InstalledVersion | Should -Be 'v1.18.6-eksbuild.1'
        $cni.CompatibleVersionExists | Should -BeTrue
        $cni.InstalledVersionCompatible | Should -BeFalse
        $cni.CompatibleVersions | Should -Be @('v1.20.4-eksbuild.1', 'v1.19.2-eksbuild.1')
        $cni.DefaultVersion | Should -Be 'v1.20.4-eksbuild.1'
        $cni.RedundantUnderAutoMode | Should -BeTrue
        $coredns = $r | Where-Object Name -EQ 'coredns'
        $coredns.InstalledVersionCompatible | Should -BeTrue
    }

    It 'says when no build exists for the target version' {
        $r = @(Get-AutoModeAddonSupport @aws -ClusterName standard-eks -KubernetesVersion 1.33)
        $kp = $r | Where-Object Name -EQ 'kube-proxy'
        $kp.CompatibleVersionExists | Should -BeFalse
        $kp.Advice | Should -Match 'No kube-proxy version is published for Kubernetes 1\.33'
        ($r | Where-Object Name -EQ 'vpc-cni').CompatibleVersions | Should -Be @('v1.20.4-eksbuild.1')
    }

    It 'lists the third-party controllers and other Helm releases with what Auto Mode does with them' {
        $r = @(Get-AutoModeAddonSupport @aws -ClusterName standard-eks)
        $lbc = $r | Where-Object Name -EQ 'aws-load-balancer-controller'
        $lbc.Source | Should -Be 'Helm release'
        $lbc.InstalledVersion | Should -Be 'v2.8.1'
        $lbc.RedundantUnderAutoMode | Should -BeTrue
        $lbc.Advice | Should -Match 'AMR-LB-001'
        ($r | Where-Object Name -EQ 'karpenter').InstalledVersion | Should -Be '1.0.6'
        $dns = $r | Where-Object Name -EQ 'external-dns'
        $dns.Source | Should -Be 'Helm release'
        $dns.RedundantUnderAutoMode | Should -BeFalse
    }

    It 'warns (and still reports the add-ons) when Helm release secrets cannot be read' {
        $ro = $script:sb.identities | Where-Object accessKeyId -EQ 'AKIASANDBOXREADONLY1'
        $r = @(Get-AutoModeAddonSupport -EndpointUrl $sb.awsEndpointUrl -Region $sb.region -AccessKey $ro.accessKeyId -SecretKey $ro.secretAccessKey -ClusterName standard-eks -WarningVariable w -WarningAction SilentlyContinue)
        ($r | Where-Object Source -EQ 'EKS add-on').Name | Should -Contain 'vpc-cni'
        ($w -join "`n") | Should -Match 'Helm releases were not read'
    }
}
