# Update-AutoModePriceCache end to end over real HTTP against a small loopback Price List double that serves the
# real-format GetProducts pages in tests/Unit/TestData/Pricing (two EC2 pages joined by NextToken, one EKS page).
# It checks the signed request (target, SigV4 scope with the partition's pricing Region), pagination and the
# cache the cmdlets then read. The sandbox-based test (PricingSandbox.Tests.ps1) covers the same against the
# project's full AWS simulator.

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    $script:saved = @{ cache = $env:EKSAUTOMODE_PRICE_CACHE; imds = $env:AWS_EC2_METADATA_DISABLED }
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    $data = Join-Path $env:EKSAUTOMODE_REPO_ROOT 'tests/Unit/TestData/Pricing'

    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start(); $script:port = $probe.LocalEndpoint.Port; $probe.Stop()
    $script:requests = [System.Collections.Concurrent.ConcurrentQueue[object]]::new()
    $script:listener = [System.Net.HttpListener]::new()
    $script:listener.Prefixes.Add("http://127.0.0.1:$script:port/")
    $script:listener.Start()
    $script:server = Start-ThreadJob -ArgumentList $script:listener, $script:requests, $data -ScriptBlock {
        param($listener, $requests, $data)
        while ($listener.IsListening) {
            try { $ctx = $listener.GetContext() } catch { break }
            $body = [System.IO.StreamReader]::new($ctx.Request.InputStream).ReadToEnd()
            $json = $body | ConvertFrom-Json
            $requests.Enqueue([pscustomobject]@{ Target = $ctx.Request.Headers['X-Amz-Target']; Authorization = $ctx.Request.Headers['Authorization']; Body = $json })
            $file = if ($json.ServiceCode -eq 'AmazonEKS') { 'getproducts-eks-apne1.json' }
                elseif ($json.PSObject.Properties['NextToken']) { 'getproducts-ec2-apne1-page2.json' }
                else { 'getproducts-ec2-apne1-page1.json' }
            $bytes = [System.IO.File]::ReadAllBytes((Join-Path $data $file))
            $ctx.Response.ContentType = 'application/x-amz-json-1.1'
            $ctx.Response.ContentLength64 = $bytes.Length
            $ctx.Response.OutputStream.Write($bytes, 0, $bytes.Length)
            $ctx.Response.Close()
        }
    }
    $script:common = @{ EndpointUrl = "http://127.0.0.1:$script:port"; AccessKey = 'AKIDEXAMPLE'; SecretKey = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
}

AfterAll {
    $script:listener.Stop(); $script:listener.Close()
    $script:server | Wait-Job -Timeout 10 | Out-Null
    $script:server | Remove-Job -Force
    $env:EKSAUTOMODE_PRICE_CACHE = $script:saved.cache
    $env:AWS_EC2_METADATA_DISABLED = $script:saved.imds
}

Describe 'Update-AutoModePriceCache against a loopback Price List double' {
    It 'signs GetProducts for the partition''s pricing Region, follows NextToken and writes the cache atomically' {
        $cache = Join-Path $TestDrive 'prices.json'
        $env:EKSAUTOMODE_PRICE_CACHE = $cache
        $script:requests.Clear()
        $result = Update-AutoModePriceCache -Region ap-northeast-1 @common
        $result | Should -BeOfType ([EksAutoMode.PriceCacheUpdate])
        $result.Ec2PriceCount | Should -Be 3
        $result.FeePriceCount | Should -Be 2
        $result.Path | Should -Be $cache

        $seen = $script:requests.ToArray()
        $seen.Count | Should -Be 3
        $seen.Target | Sort-Object -Unique | Should -Be 'AWSPriceListService.GetProducts'
        foreach ($r in $seen) { $r.Authorization | Should -Match '^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/ap-south-1/pricing/aws4_request' }
        $ec2 = $seen | Where-Object { $_.Body.ServiceCode -eq 'AmazonEC2' }
        $ec2[1].Body.NextToken | Should -Be 'page-2-token'
        ($ec2[0].Body.Filters | Where-Object Field -eq 'regionCode').Value | Should -Be 'ap-northeast-1'
        (($seen | Where-Object { $_.Body.ServiceCode -eq 'AmazonEKS' }).Body.Filters | Where-Object Field -eq 'operation').Value | Should -Be 'EKSAutoUsage'

        $doc = Get-Content -Raw -LiteralPath $cache | ConvertFrom-Json
        $doc.schemaVersion | Should -Be 1
        $doc.regions.'ap-northeast-1'.ec2.'m5.large' | Should -Be 0.124
        $doc.regions.'ap-northeast-1'.fee.'c6g.large' | Should -Be 0.01027
        $doc.regions.'ap-northeast-1'.source | Should -Match "127\.0\.0\.1:$script:port"
        @(Get-ChildItem -LiteralPath $TestDrive -Filter '*.tmp' -Force).Count | Should -Be 0
    }

    It 'makes the cmdlets price from the cache: PriceSource Cache and no estimate warning' {
        $env:EKSAUTOMODE_PRICE_CACHE = Join-Path $TestDrive 'prices.json'
        $line = Measure-AutoModeCost -InstanceType m5.large -Count 2 -Region ap-northeast-1 -Period Hour -WarningVariable w | Select-Object -First 1
        $line.PriceSource | Should -Be 'Cache'
        $line.TotalHourlyPrice | Should -Be (0.124 + 0.01488)
        $w | Should -BeNullOrEmpty
        (Get-AutoModePrice c6g.large -Region ap-northeast-1).FeePriceSource | Should -Be 'Cache'
    }

    It 'refreshes only matching types with -InstanceType and keeps the rest' {
        $env:EKSAUTOMODE_PRICE_CACHE = Join-Path $TestDrive 'prices.json'
        $script:requests.Clear()
        $r = Update-AutoModePriceCache -Region ap-northeast-1 -InstanceType c6g.large @common
        $r.Ec2PriceCount | Should -Be 1
        ($script:requests.ToArray()[0].Body.Filters | Where-Object Field -eq 'instanceType').Value | Should -Be 'c6g.large'
        $doc = Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | ConvertFrom-Json
        @($doc.regions.'ap-northeast-1'.ec2.PSObject.Properties.Name) | Should -Be @('c6g.large', 'm5.large', 'm5.xlarge')
    }
}
