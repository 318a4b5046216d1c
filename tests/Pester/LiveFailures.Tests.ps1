# What the live cmdlets do when AWS answers with something we did not expect (wrong shapes, truncated or huge
# bodies), when it is slow (-TimeoutSec), when TLS fails (untrusted CA), and how the price cache file survives
# corruption, concurrent updates and killed writers. All against the sandbox (tests/Sandbox) and its faults.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:sandboxMissing = $false
    try { $null = Get-EksSandboxPath } catch { $script:sandboxMissing = $true }
}

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Common.psm1') -Force
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    $script:savedEnv = Clear-TestEnvironment -Name 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
        'AWS_ENDPOINT_URL', 'AWS_CA_BUNDLE', 'EKSAUTOMODE_PRICE_CACHE'
    if (-not $sandboxMissing) {
        $script:sb = Start-EksSandbox -Scenario automode -Seed 5
        $script:aws = @{ EndpointUrl = $sb.awsEndpointUrl; Region = $sb.region; AccessKey = $sb.accessKeyId; SecretKey = $sb.secretAccessKey }
        $script:cluster = $sb.clusters[0].name
    }

    function Set-TestFault([string] $Spec) {
        Set-EksSandboxFault -Sandbox $script:sb -Faults $Spec
        Reset-EksSandboxRequestCount -Sandbox $script:sb
    }
}

AfterAll {
    if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
    Restore-TestEnvironment -Saved $script:savedEnv
}

Describe 'AWS responses we did not expect' -Skip:$sandboxMissing {
    BeforeEach { Set-TestFault '' }

    It 'a DescribeCluster answer of the wrong shape is AwsResponseInvalid naming EKS DescribeCluster, not retried' {
        Set-TestFault 'eks:DescribeCluster=wrongshape'
        $out = Get-AutoModeCluster @aws -Name $cluster -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AwsResponseInvalid,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $errs[0].Exception.Message | Should -BeLike "EKS DescribeCluster returned no cluster object for '$cluster'*"
        $errs[0].TargetObject | Should -Be $cluster
        (Get-EksSandboxRequestCount -Sandbox $sb -Operation 'eks:DescribeCluster') | Should -Be 1
    }

    It 'a cluster list of the wrong shape is AwsResponseInvalid naming EKS ListClusters' {
        Set-TestFault 'eks:ListClusters=wrongshape'
        { Get-AutoModeCluster @aws -ErrorAction Stop } | Should -Throw -ErrorId 'AwsResponseInvalid,*'
        $err = $Error[0]
        $err.Exception.Message | Should -Be "EKS ListClusters returned 'clusters' as a JSON string instead of a list"
        $err.Exception.ToString() | Should -Not -Match 'NullReferenceException|ArgumentNullException'
    }

    It 'a failed add-on list gives a partial answer (IsComplete false, MissingData, warning), never a complete-looking one' {
        Set-TestFault 'eks:ListAddons=wrongshape'
        $c = Get-AutoModeCluster @aws -Name $cluster -WarningVariable warns -WarningAction SilentlyContinue
        $c.Mode | Should -Be 'Auto'
        $c.IsComplete | Should -BeFalse
        $c.MissingData | Should -Be @('InstalledAddons', 'RedundantAddons')
        $c.InstalledAddons | Should -BeNullOrEmpty
        $c.RedundantAddons | Should -BeNullOrEmpty
        $warns | Should -Match 'partial'
        $warns | Should -Match 'EKS ListAddons returned'
        ($c | Format-Table | Out-String -Width 120) | Should -Match 'PARTIAL'

        Set-TestFault ''
        $full = Get-AutoModeCluster @aws -Name $cluster
        $full.IsComplete | Should -BeTrue
        $full.MissingData | Should -BeNullOrEmpty
        $full.InstalledAddons | Should -Not -BeNullOrEmpty
    }

    It 'a body over the 16 MB cap is refused at once (not read, not retried)' {
        Set-TestFault 'eks:DescribeCluster=huge:20'
        $null = Get-AutoModeCluster @aws -Name $cluster -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AwsResponseInvalid,*'
        $errs[0].Exception.Message | Should -BeLike 'EKS DescribeCluster returned a body larger than 16 MB*'
        (Get-EksSandboxRequestCount -Sandbox $sb -Operation 'eks:DescribeCluster') | Should -Be 1
    }

    It 'an EC2 body over the 16 MB cap (AWSSDK.EC2 path) is refused with AwsResponseInvalid naming EC2 and the operation' {
        Set-TestFault 'ec2:DescribeInstances=huge:20'
        $null = Get-AutoModeNode @aws -ClusterName $cluster -ErrorVariable errs -WarningVariable warns -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $said = @($errs | ForEach-Object { $_.Exception.Message }) + @($warns | ForEach-Object Message)
        ($said -join "`n") | Should -Match 'EC2 DescribeInstances returned a body larger than 16 MB'
        ($said -join "`n") | Should -Not -Match 'OutOfMemory|NullReference'
        Set-TestFault ''
        @(Get-AutoModeNode @aws -ClusterName $cluster).Count | Should -BeGreaterThan 0 -Because 'without the fault the same call works'
        (Get-EksSandboxRequestCount -Sandbox $sb -Operation 'ec2:DescribeInstances') | Should -BeGreaterThan 0
    }

    It 'a body that is padded but under the cap is still read' {
        Set-TestFault 'eks:DescribeCluster=huge:2'
        (Get-AutoModeCluster @aws -Name $cluster).Name | Should -Be $cluster
    }

    It 'truncated bodies are retried, and a body truncated every time ends in AwsResponseInvalid' {
        Set-TestFault 'eks:DescribeCluster=truncate#1'
        (Get-AutoModeCluster @aws -Name $cluster).Name | Should -Be $cluster
        (Get-EksSandboxRequestCount -Sandbox $sb -Operation 'eks:DescribeCluster') | Should -Be 2

        Set-TestFault 'eks:DescribeCluster=truncate'
        $null = Get-AutoModeCluster @aws -Name $cluster -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -Match '^EKS DescribeCluster (returned an incomplete body|failed: ConnectionFailure)'
        $errs[0].Exception.ToString() | Should -Not -Match 'NullReferenceException'
    }

    It 'a Price List answer of the wrong shape is AwsResponseInvalid naming Pricing GetProducts, and the cache is untouched' {
        $env:EKSAUTOMODE_PRICE_CACHE = Join-Path $TestDrive 'shape-cache.json'
        try {
            Set-TestFault 'pricing:GetProducts=wrongshape'
            $null = Update-AutoModePriceCache @aws -Region us-east-1 -InstanceType m5.large -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'AwsResponseInvalid,*'
            $errs[0].Exception.Message | Should -BeLike 'Pricing GetProducts returned*'
            Test-Path $env:EKSAUTOMODE_PRICE_CACHE | Should -BeFalse
        }
        finally { $env:EKSAUTOMODE_PRICE_CACHE = $null }
    }
}

Describe '-TimeoutSec' -Skip:$sandboxMissing {
    BeforeEach { Set-TestFault '' }

    It 'gives up after -TimeoutSec with RequestTimeout, retries included' {
        Set-TestFault 'eks:DescribeCluster=latency:20000'
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = Get-AutoModeCluster @aws -Name $cluster -TimeoutSec 2 -ErrorVariable errs -ErrorAction SilentlyContinue
        $watch.Stop()
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'RequestTimeout,*'
        $errs[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $errs[0].Exception.Message | Should -Match 'within 2 s \(-TimeoutSec\)'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 15 -Because 'hang guard: the 20 s answer must not be awaited'
    }

    It 'is a parameter of every live cmdlet' {
        foreach ($command in Get-Command -Module EksAutoMode | Where-Object { $_.Parameters.ContainsKey('EndpointUrl') }) {
            $command.Parameters.Keys | Should -Contain 'TimeoutSec' -Because "$($command.Name) calls AWS"
        }
    }

    It 'rejects values outside 1..3600' {
        { Get-AutoModeCluster @aws -TimeoutSec 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'TLS failures' -Skip:$sandboxMissing {
    BeforeAll {
        $script:tls = Start-EksSandbox -Scenario automode -Tls -Seed 5
        $script:tlsAws = @{ EndpointUrl = $tls.awsEndpointUrl; Region = $tls.region; AccessKey = $tls.accessKeyId; SecretKey = $tls.secretAccessKey }
        # A CA that did not sign the sandbox's certificate.
        $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        $req = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=Some Other CA', $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
        $req.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
        $ca = $req.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(1))
        $script:wrongCa = Join-Path $TestDrive 'wrong-ca.pem'
        Set-Content -LiteralPath $wrongCa -Value $ca.ExportCertificatePem()
    }
    AfterAll {
        if ($script:tls) { Stop-EksSandbox -Sandbox $script:tls }
        $env:AWS_CA_BUNDLE = $null
    }
    AfterEach { $env:AWS_CA_BUNDLE = $null }

    It 'an untrusted CA (AWS_CA_BUNDLE with the wrong CA) fails once with AwsTlsFailed saying what to do' {
        $env:AWS_CA_BUNDLE = $wrongCa
        Reset-EksSandboxRequestCount -Sandbox $tls
        $records = Get-AutoModeCluster @tlsAws -Name $tls.clusters[0].name -Verbose -Debug -ErrorVariable errs -ErrorAction SilentlyContinue 4>&1 5>&1
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AwsTlsFailed,*'
        $errs[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $errs[0].Exception.Message | Should -Match 'TLS connection to https://127\.0\.0\.1:\d+ was refused'
        $errs[0].ErrorDetails.RecommendedAction | Should -Match 'AWS_CA_BUNDLE'
        @($records | Where-Object { "$_" -match 'TLS failed' }).Count | Should -Be 1 -Because 'a refused certificate is not retried'
        @($records | Where-Object { "$_" -match 'retrying' }).Count | Should -Be 0
    }

    It 'without a CA bundle the sandbox CA is untrusted: AwsTlsFailed, not retried' {
        $null = Get-AutoModeCluster @tlsAws -Name $tls.clusters[0].name -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'AwsTlsFailed,*'
        $errs[0].Exception.Message | Should -Match 'not signed by a trusted certificate authority'
    }

    It 'with the right CA bundle the same call works' {
        $env:AWS_CA_BUNDLE = $tls.caPemPath
        (Get-AutoModeCluster @tlsAws -Name $tls.clusters[0].name).Name | Should -Be $tls.clusters[0].name
    }
}

Describe 'Price cache file' -Skip:$sandboxMissing {
    BeforeEach {
        Set-TestFault ''
        $script:cacheDir = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory $cacheDir | Out-Null
        $env:EKSAUTOMODE_PRICE_CACHE = Join-Path $cacheDir 'price-cache.json'
    }
    AfterEach { $env:EKSAUTOMODE_PRICE_CACHE = $null }

    It '"regions": null gives one warning and embedded prices, never a NullReference' -ForEach @(
        @{ Json = '{"schemaVersion":1,"regions":null}' }
        @{ Json = '{"schemaVersion":1,"regions":{"us-east-1":{"currency":"USD","ec2":{"m5.large":-1},"fee":{}}}}' }
        @{ Json = '{"schemaVersion":1,"regions":{"us-east-1":{"currency":"USD","ec2":null,"fee":null}}}' }
        @{ Json = '{"schemaVersion":1,"regi' }
    ) {
        Set-Content -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE -Value $Json
        $p = Get-AutoModePrice -InstanceType m5.large -Region us-east-1 -WarningVariable w -WarningAction SilentlyContinue -ErrorVariable e -ErrorAction SilentlyContinue
        $e | Should -BeNullOrEmpty
        @($w | Where-Object { "$_" -match 'price cache' }).Count | Should -Be 1
        "$($w[0])" | Should -Match 'cannot be used .* embedded prices are used'
        $p.Ec2HourlyPrice | Should -Be 0.096
        $c = Measure-AutoModeCost -InstanceType m5.large -Region us-east-1 -Period Hour -WarningVariable w2 -WarningAction SilentlyContinue | Select-Object -First 1
        $c.TotalHourlyPrice | Should -BeGreaterThan 0
    }

    It 'two processes updating at once never lose a write, and leave no temporary file' {
        Set-TestFault 'pricing:GetProducts=latency:400'
        $procs = foreach ($region in 'us-east-1', 'ap-northeast-1') {
            $file = Join-Path $cacheDir "$region.ps1"
            Set-Content -LiteralPath $file -Value @"
`$env:AWS_EC2_METADATA_DISABLED = 'true'
`$env:EKSAUTOMODE_PRICE_CACHE = '$($env:EKSAUTOMODE_PRICE_CACHE)'
Import-Module '$($env:EKSAUTOMODE_MODULE_PATH)'
Update-AutoModePriceCache -EndpointUrl '$($sb.awsEndpointUrl)' -AccessKey '$($sb.accessKeyId)' -SecretKey '$($sb.secretAccessKey)' -Region $region -InstanceType m5.large -ErrorAction Stop | Out-Null
"@
            $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
            foreach ($a in @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $file)) { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false
            $psi.RedirectStandardError = $true
            [Diagnostics.Process]::Start($psi)
        }
        foreach ($p in $procs) {
            $p.WaitForExit(180000) | Should -BeTrue -Because 'hang guard'
            $p.ExitCode | Should -Be 0 -Because $p.StandardError.ReadToEnd()
        }
        $doc = Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | ConvertFrom-Json
        @($doc.regions.PSObject.Properties.Name | Sort-Object) | Should -Be @('ap-northeast-1', 'us-east-1')
        @(Get-ChildItem -LiteralPath $cacheDir -Force -Filter '*.tmp').Count | Should -Be 0
    }

    It 'a temporary file left by a killed writer is removed by the next update' {
        $orphan = Join-Path $cacheDir '.price-cache.json.99999.0123456789abcdef0123456789abcdef.tmp'
        Set-Content -LiteralPath $orphan -Value '{"schemaVersion":1,"re'
        Update-AutoModePriceCache @aws -Region us-east-1 -InstanceType m5.large | Out-Null
        Test-Path -LiteralPath $orphan | Should -BeFalse
        (Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | ConvertFrom-Json).regions.'us-east-1'.ec2.'m5.large' | Should -Be 0.096
    }

    It 'an update replaces an unusable cache and says so' {
        Set-Content -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE -Value '{"schemaVersion":1,"regions":null}'
        Update-AutoModePriceCache @aws -Region us-east-1 -InstanceType m5.large -WarningVariable w -WarningAction SilentlyContinue | Out-Null
        "$w" | Should -Match 'It is replaced'
        (Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | ConvertFrom-Json).regions.'us-east-1'.ec2.'m5.large' | Should -Be 0.096
    }
}
