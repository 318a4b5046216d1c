# Update-AutoModePriceCache live against the project's AWS simulator (tests/Sandbox): its Pricing endpoint serves
# real-format Price List JSON, including look-alike products (Windows, dedicated tenancy, SQL licence, unused
# capacity reservations) that a careless filter would pick up, and the seed article's c6g.large ap-northeast-1
# row (EC2 0.0856, fee 0.01027). Every request is SigV4-verified by the sandbox.

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module "$PSScriptRoot/Sandbox.psm1" -Force
    $script:saved = @{ cache = $env:EKSAUTOMODE_PRICE_CACHE; imds = $env:AWS_EC2_METADATA_DISABLED }
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    $env:EKSAUTOMODE_PRICE_CACHE = Join-Path $TestDrive 'sandbox-prices.json'
    $script:sb = Start-EksSandbox automode
    $script:aws = @{
        EndpointUrl  = $script:sb.awsEndpointUrl
        AccessKey    = $script:sb.accessKeyId
        SecretKey    = $script:sb.secretAccessKey
        SessionToken = $script:sb.sessionToken
    }
    if (-not $script:aws.SessionToken) { $script:aws.Remove('SessionToken') }
}

AfterAll {
    if ($script:sb) { $script:sb | Stop-EksSandbox }
    $env:EKSAUTOMODE_PRICE_CACHE = $script:saved.cache
    $env:AWS_EC2_METADATA_DISABLED = $script:saved.imds
}

Describe 'Update-AutoModePriceCache against the sandbox' {
    It 'fetches EC2 prices and Auto Mode fees for two Regions and writes them to the cache' {
        Invoke-RestMethod -Method Post -Uri "$($sb.adminUrl)/requests/reset" -NoProxy | Out-Null
        $updates = Update-AutoModePriceCache -Region ap-northeast-1, us-east-1 @aws
        $updates.Count | Should -Be 2
        $updates.Region | Should -Be @('ap-northeast-1', 'us-east-1')
        foreach ($u in $updates) {
            $u.Ec2PriceCount | Should -BeGreaterThan 5
            $u.FeePriceCount | Should -BeGreaterThan 5
            $u.Currency | Should -Be 'USD'
        }
        (Get-EksSandboxRequestCount -Sandbox $sb -Operation 'pricing:GetProducts') | Should -BeGreaterOrEqual 4

        $doc = Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | ConvertFrom-Json
        $doc.schemaVersion | Should -Be 1
        $apne1 = $doc.regions.'ap-northeast-1'
        $apne1.ec2.'c6g.large' | Should -Be 0.0856
        $apne1.fee.'c6g.large' | Should -Be 0.01027
        $apne1.source | Should -Match ([regex]::Escape($sb.awsEndpointUrl.TrimEnd('/')))
        [datetimeoffset]$apne1.asOf | Should -BeGreaterThan ([datetimeoffset]::UtcNow.AddMinutes(-10))
    }

    It 'keeps Linux shared-tenancy prices only (no Windows, dedicated, SQL or zero-price look-alikes)' {
        $doc = Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | ConvertFrom-Json
        # us-east-1 m5.large is 0.096 (Linux); the sandbox also serves Windows (x1.84), dedicated (x1.1) and SQL Web (+0.07) variants.
        $doc.regions.'us-east-1'.ec2.'m5.large' | Should -Be 0.096
        foreach ($p in $doc.regions.'us-east-1'.ec2.PSObject.Properties) { $p.Value | Should -BeGreaterThan 0 }
    }

    It 'reproduces the article from the refreshed cache: $0.09587/h, 112.0 % of EC2, PriceSource Cache' {
        $line = Measure-AutoModeCost -InstanceType c6g.large -Count 2 -Region ap-northeast-1 -Period Hour -WarningVariable w | Select-Object -First 1
        $line.PriceSource | Should -Be 'Cache'
        $line.TotalHourlyPrice | Should -Be 0.09587
        [math]::Round($line.TotalPercentOfEc2, 1) | Should -Be 112.0
        $w | Should -BeNullOrEmpty
        (Get-AutoModePrice m5.large -Region us-east-1).FeePriceSource | Should -Be 'Cache'
    }

    It 'prices bare-metal types from their own product family (Compute Instance (bare metal), tenancy Dedicated)' {
        $doc = Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | ConvertFrom-Json
        # karpenter-provider-aws static table: us-east-1 m5.metal 4.608 USD/h; the sandbox also serves Windows and zero-price look-alikes.
        $doc.regions.'us-east-1'.ec2.'m5.metal' | Should -Be 4.608
        $doc.regions.'us-east-1'.source | Should -Match 'eksproducttype=AutoMode'
    }

    It 'asks for one instance type''s fee (AmazonEKS, EKSAutoUsage, eksproducttype AutoMode) and reads only that one' {
        $r = Update-AutoModePriceCache -Region us-east-1 -InstanceType m5.large @aws
        $r.FeePriceCount | Should -Be 1
        $r.Ec2PriceCount | Should -Be 1
        $doc = Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | ConvertFrom-Json
        $doc.regions.'us-east-1'.fee.'m5.large' | Should -BeGreaterThan 0
        (Get-AutoModePrice m5.large -Region us-east-1).FeeHourlyPrice | Should -Be $doc.regions.'us-east-1'.fee.'m5.large'
    }

    It 'refreshes only matching types with -InstanceType and keeps every other cached price' {
        $before = Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | ConvertFrom-Json
        $others = @($before.regions.'ap-northeast-1'.ec2.PSObject.Properties.Name | Where-Object { $_ -ne 'c6g.large' })
        $others.Count | Should -BeGreaterThan 0
        $r = Update-AutoModePriceCache -Region ap-northeast-1 -InstanceType c6g.large @aws
        $r.Ec2PriceCount | Should -Be 1
        $after = Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | ConvertFrom-Json
        $after.regions.'ap-northeast-1'.ec2.'c6g.large' | Should -Be 0.0856
        foreach ($t in $others) { $after.regions.'ap-northeast-1'.ec2.$t | Should -Be $before.regions.'ap-northeast-1'.ec2.$t }
        @(Get-ChildItem -LiteralPath (Split-Path $env:EKSAUTOMODE_PRICE_CACHE) -Filter '*.tmp' -Force).Count | Should -Be 0
    }

    It 'retries a throttled GetProducts and still writes the cache' {
        Invoke-RestMethod -Method Put -Uri "$($sb.adminUrl)/faults" -Body 'pricing:GetProducts=throttle#1' -NoProxy | Out-Null
        try {
            $u = Update-AutoModePriceCache -Region us-east-1 -InstanceType 'm5.*' @aws
            $u.Ec2PriceCount | Should -BeGreaterThan 0
            (Invoke-RestMethod -Uri "$($sb.adminUrl)/faults" -NoProxy).injected.'pricing:GetProducts=Throttle' | Should -Be 1
        }
        finally { Invoke-RestMethod -Method Put -Uri "$($sb.adminUrl)/faults" -Body '' -NoProxy | Out-Null }
    }

    It 'reports a persistent server error per Region, leaving the cache as it was' {
        $before = Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE
        Invoke-RestMethod -Method Put -Uri "$($sb.adminUrl)/faults" -Body 'pricing:GetProducts=500' -NoProxy | Out-Null
        try {
            Update-AutoModePriceCache -Region eu-west-1 @aws -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e.Count | Should -Be 1
            $e[0].Exception.Message | Should -Match 'GetProducts'
            ($e | Out-String) | Should -Not -Match ([regex]::Escape($sb.secretAccessKey))
            Get-Content -Raw -LiteralPath $env:EKSAUTOMODE_PRICE_CACHE | Should -Be $before
        }
        finally { Invoke-RestMethod -Method Put -Uri "$($sb.adminUrl)/faults" -Body '' -NoProxy | Out-Null }
    }

    It 'rejects bad credentials with the AWS error, not a stack trace' {
        Update-AutoModePriceCache -Region us-east-1 -EndpointUrl $sb.awsEndpointUrl -AccessKey AKIDBOGUS -SecretKey 'not-the-secret' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $e.Count | Should -Be 1
        $e[0].Exception.Message | Should -Match 'GetProducts'
        $e[0].ScriptStackTrace | Should -Not -Match 'EksAutoMode\.Engine'
    }
}

Describe 'build/Update-PriceSnapshot.ps1 against the sandbox' {
    BeforeAll {
        # A child pwsh of the same PowerShell (run as a dotnet tool here): the script exits with its own code.
        $script:pwshDll = Join-Path $PSHOME 'pwsh.dll'
        $script:script = Join-Path $PSScriptRoot '../../build/Update-PriceSnapshot.ps1'
        $script:out = Join-Path $TestDrive 'snapshot'
        $script:snapArgs = @($script:pwshDll, '-NoProfile', '-File', $script:script, '-ModulePath', $env:EKSAUTOMODE_MODULE_PATH, '-EndpointUrl', $sb.awsEndpointUrl,
            '-AccessKey', $sb.accessKeyId, '-SecretKey', $sb.secretAccessKey, '-OutputDirectory', $script:out)
        if ($sb.sessionToken) { $script:snapArgs += '-SessionToken', $sb.sessionToken }
    }

    It 'regenerates the snapshot for several Regions in one command, with per-row as-of and no estimates' {
        $log = & dotnet @snapArgs -Region 'ap-northeast-1,us-east-1' 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($log | Out-String)
        $file = Join-Path $out 'price-list-snapshot.csv'
        $text = Get-Content -Raw -LiteralPath $file
        $text | Should -Match '(?m)^# regions-fetched: ap-northeast-1, us-east-1$'
        $text | Should -Match '(?m)^# regions-missing: none$'
        $rows = Get-Content -LiteralPath $file | Where-Object { -not $_.StartsWith('#') } | ConvertFrom-Csv
        $c6g = $rows | Where-Object { $_.region -eq 'ap-northeast-1' -and $_.instance_type -eq 'c6g.large' }
        $c6g.ec2_per_hour | Should -Be '0.0856'
        $c6g.fee_per_hour | Should -Be '0.01027'
        $c6g.currency | Should -Be 'USD'
        [datetimeoffset]$c6g.as_of | Should -BeGreaterThan ([datetimeoffset]::UtcNow.AddMinutes(-10))
        ($rows | Where-Object { $_.region -eq 'us-east-1' -and $_.instance_type -eq 'm5.metal' }).ec2_per_hour | Should -Be '4.608'
        # m5.metal has no Auto Mode fee in the Price List: the snapshot leaves it empty instead of estimating.
        ($rows | Where-Object { $_.region -eq 'us-east-1' -and $_.instance_type -eq 'm5.metal' }).fee_per_hour | Should -BeExactly ''
    }

    It 'keeps the rows of Regions it could not refresh, names them as missing and exits 1' {
        $before = Get-Content -LiteralPath (Join-Path $out 'price-list-snapshot.csv') | Where-Object { $_ -like 'ap-northeast-1,*' }
        $log = & dotnet @snapArgs -Region 'af-south-1' 2>&1
        $LASTEXITCODE | Should -Be 1
        ($log | Out-String) | Should -Match 'af-south-1'
        $text = Get-Content -LiteralPath (Join-Path $out 'price-list-snapshot.csv')
        $text | Where-Object { $_ -like 'ap-northeast-1,*' } | Should -Be $before
        $text | Should -Contain '# regions-missing: af-south-1'
    }

    It 'refuses to write simulated prices into the product data folder' {
        $log = & dotnet $pwshDll -NoProfile -File $script -ModulePath $env:EKSAUTOMODE_MODULE_PATH -EndpointUrl $sb.awsEndpointUrl -Region us-east-1 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        ($log | Out-String) | Should -Match 'OutputDirectory'
    }
}

