# Measure-AutoModeCost and Get-AutoModePrice against the built module, offline (embedded catalogue and a
# temporary price cache). The live refresh (Update-AutoModePriceCache against the sandbox) is in PricingLive.Tests.ps1.

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module "$PSScriptRoot/Common.psm1" -Force
    # Never read or write the real per-user cache from tests.
    $script:savedCache = $env:EKSAUTOMODE_PRICE_CACHE
    $script:savedRegion = $env:AWS_REGION, $env:AWS_DEFAULT_REGION
    $env:EKSAUTOMODE_PRICE_CACHE = Join-Path $TestDrive 'no-cache.json'
    $env:AWS_REGION = $null
    $env:AWS_DEFAULT_REGION = $null

    function New-Ec2Instance([string] $Type, [string] $Zone, $Lifecycle, $Managed, [hashtable] $Tags) {
        [pscustomobject]@{
            InstanceId        = 'i-' + [guid]::NewGuid().ToString('n').Substring(0, 17)
            InstanceType      = $Type
            Placement         = [pscustomobject]@{ AvailabilityZone = $Zone; Tenancy = 'default' }
            InstanceLifecycle = $Lifecycle
            Operator          = if ($null -ne $Managed) { [pscustomobject]@{ Managed = $Managed; Principal = if ($Managed) { 'eks.amazonaws.com' } } }
            Tags              = @($Tags.GetEnumerator() | ForEach-Object { [pscustomobject]@{ Key = $_.Key; Value = $_.Value } })
        }
    }
}

AfterAll {
    $env:EKSAUTOMODE_PRICE_CACHE = $script:savedCache
    $env:AWS_REGION, $env:AWS_DEFAULT_REGION = $script:savedRegion
}

Describe 'Measure-AutoModeCost' {
    It 'reproduces the article: c6g.large in ap-northeast-1 is $0.09587/h, 112.0 % of EC2 (not 119.9 %)' {
        $out = @(Measure-AutoModeCost -InstanceType c6g.large -Count 2 -Region ap-northeast-1 -Period Hour)
        $out.Count | Should -Be 1   # lines only by default: no summary mixed into the stream
        $line = $out[0]
        $line | Should -BeOfType ([EksAutoMode.CostLine])
        $line.Ec2HourlyPrice | Should -Be 0.0856
        $line.FeeHourlyPrice | Should -Be 0.01027
        $line.TotalHourlyPrice | Should -Be 0.09587
        [math]::Round($line.TotalPercentOfEc2, 1) | Should -Be 112.0
        [math]::Round($line.OverheadPercent, 1) | Should -Be 12.0
        $line.TotalCost | Should -Be 0.19174
        $line.FeePriceSource | Should -Be 'Embedded'
        $line.SourceDetail | Should -Match 'UNVERIFIED'
        $summary = @(Measure-AutoModeCost -InstanceType c6g.large -Count 2 -Region ap-northeast-1 -Period Hour -Summary)
        $summary.Count | Should -Be 1
        $summary[0] | Should -BeOfType ([EksAutoMode.CostSummary])
        $summary[0].TotalCost | Should -Be 0.19174
    }

    It 'emits lines only by default, so Measure-Object -Sum and Export-Csv see each instance once' {
        $items = [pscustomobject]@{ InstanceType = 'c6g.large'; Count = 2 }, [pscustomobject]@{ InstanceType = 'c6g.large'; Count = 3; CapacityType = 'spot'; SpotPrice = 0.03 }
        $lines = $items | Measure-AutoModeCost -Region ap-northeast-1 -Period Hour -GroupBy None
        @($lines | Where-Object { $_ -isnot [EksAutoMode.CostLine] }).Count | Should -Be 0
        ($lines | Measure-Object -Property Count -Sum).Sum | Should -Be 5
        $summary = $items | Measure-AutoModeCost -Region ap-northeast-1 -Period Hour -Summary
        ($lines | Measure-Object -Property TotalCost -Sum).Sum | Should -Be $summary.TotalCost
        $csv = Join-Path $TestDrive 'lines.csv'
        $lines | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = Import-Csv -LiteralPath $csv
        $rows.Count | Should -Be 2
        # One uniform header (the CostLine's properties, no summary columns) and every row filled by a line.
        $header = $rows[0].PSObject.Properties.Name
        $header | Should -Be ([EksAutoMode.CostLine].GetProperties().Name)
        $header | Should -Not -Contain 'InstanceCount'
        ($rows | ForEach-Object { [int]$_.Count } | Measure-Object -Sum).Sum | Should -Be 5
        $rows.InstanceType | Should -Be @('c6g.large', 'c6g.large')
    }

    It 'prices node objects by property name (Get-AutoModeNode shape): launch facts decide the fee' {
        $nodes = @(
            [pscustomobject]@{ Name = 'i-1'; InstanceType = 'c6g.large'; Region = 'ap-northeast-1'; Zone = 'ap-northeast-1a'; CapacityType = 'OnDemand'; LaunchType = 'AutoModeCustom'; NodePool = 'web'; FeeApplies = $true }
            [pscustomobject]@{ Name = 'i-2'; InstanceType = 'c6g.large'; Region = 'ap-northeast-1'; Zone = 'ap-northeast-1c'; CapacityType = 'OnDemand'; LaunchType = 'ManagedNodeGroup'; NodePool = $null; FeeApplies = $false }
            [pscustomobject]@{ Name = 'i-3'; InstanceType = 'c6g.large'; Region = 'ap-northeast-1'; Zone = 'ap-northeast-1a'; CapacityType = 'OnDemand'; LaunchType = ''; FeeApplies = $false }
        )
        $lines = $nodes | Measure-AutoModeCost -Period Hour -GroupBy None
        $lines.FeeApplies | Should -Be @($true, $false, $false)
        ($lines | Measure-Object -Property FeeCost -Sum).Sum | Should -Be 0.01027
    }

    It 'reads an empty Count (as Import-Csv gives it) as one instance, piped or as -Count' {
        $csv = Join-Path $TestDrive 'empty-count.csv'
        "InstanceType,Count`nc6g.large,`nc6g.large,3" | Set-Content -LiteralPath $csv
        $rows = Import-Csv -LiteralPath $csv
        $rows[0].Count | Should -BeExactly ''
        ($rows | Measure-AutoModeCost -Region ap-northeast-1 -Summary -ErrorVariable e -ErrorAction SilentlyContinue).InstanceCount | Should -Be 4
        $e.Count | Should -Be 0
        $viaParameter = foreach ($r in $rows) { Measure-AutoModeCost -InstanceType $r.InstanceType -Count $r.Count -Region ap-northeast-1 -Period Hour }
        $viaParameter | ForEach-Object Count | Should -Be @(1, 3)
        (Measure-AutoModeCost c6g.large -Count $null -Region ap-northeast-1 -Period Hour).Count | Should -Be 1
        { Measure-AutoModeCost c6g.large -Count 'two' -Region ap-northeast-1 -ErrorAction Stop } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,EksAutoMode.Commands.MeasureAutoModeCostCommand'
    }

    It 'prices a month as 730 hours and a year as 8760' {
        (Measure-AutoModeCost c6g.large -Region ap-northeast-1 -Summary).TotalCost | Should -Be (0.09587 * 730)
        (Measure-AutoModeCost c6g.large -Region ap-northeast-1 -Summary -Period Year).TotalCost | Should -Be (0.09587 * 8760)
        (Measure-AutoModeCost c6g.large -Region ap-northeast-1 -Summary -Hours 10).TotalCost | Should -Be 0.9587
    }

    It 'estimates an unknown fee at 12 % with exactly one warning per call' {
        $out = 'm5.large', 'm5.xlarge', 'm5.large' | ForEach-Object { [pscustomobject]@{ InstanceType = $_ } } |
            Measure-AutoModeCost -Region us-east-1 -Period Hour -WarningVariable w -WarningAction SilentlyContinue
        @($w).Count | Should -Be 1
        "$w" | Should -Match 'm5\.large in us-east-1, m5\.xlarge in us-east-1'
        "$w" | Should -Match 'Update-AutoModePriceCache'
        $large = $out | Where-Object { $_ -is [EksAutoMode.CostLine] -and $_.InstanceType -eq 'm5.large' }
        $large.Count | Should -Be 2
        $large.FeeHourlyPrice | Should -Be (0.096 * 0.12)
        $large.PriceSource | Should -Be 'Estimated'
        ('m5.large', 'm5.xlarge', 'm5.large' | ForEach-Object { [pscustomobject]@{ InstanceType = $_ } } |
            Measure-AutoModeCost -Region us-east-1 -Period Hour -Summary -WarningAction SilentlyContinue).EstimatedFeeCount | Should -Be 3
    }

    It 'reports an unknown Region as a non-terminating error naming the remedy, and goes on with the rest' {
        $items = [pscustomobject]@{ InstanceType = 'm5.large'; Region = 'eu-west-1' }, [pscustomobject]@{ InstanceType = 'c6g.large'; Region = 'ap-northeast-1' }
        $out = $items | Measure-AutoModeCost -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'UnknownRegion,*'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].TargetObject | Should -Be 'eu-west-1'
        $e[0].Exception.Message | Should -Match 'Update-AutoModePriceCache -Region eu-west-1'
        $e[0].Exception.Message | Should -Match '-Ec2HourlyPrice'
        ($out | Where-Object { $_ -is [EksAutoMode.CostLine] }).Region | Should -Be 'ap-northeast-1'
    }

    It 'reports an unknown instance type the same way' {
        Measure-AutoModeCost -InstanceType m99.huge -Region us-east-1 -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $e[0].FullyQualifiedErrorId | Should -BeLike 'UnknownInstanceType,*'
        $e[0].ErrorDetails.RecommendedAction | Should -Match 'Update-AutoModePriceCache'
    }

    It 'prices a Region the catalogue lacks with -Ec2HourlyPrice' {
        $line = Measure-AutoModeCost m5.large -Region eu-west-1 -Ec2HourlyPrice 0.107 -FeeHourlyPrice 0.01284 -Period Hour -WarningVariable w | Select-Object -First 1
        $line.TotalHourlyPrice | Should -Be 0.11984
        $line.PriceSource | Should -Be 'Override'
        $w | Should -BeNullOrEmpty
    }

    It 'rejects negative counts and discounts over 100 % as parameter validation errors' {
        { Measure-AutoModeCost m5.large -Count -1 -Region us-east-1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,EksAutoMode.Commands.MeasureAutoModeCostCommand'
        { Measure-AutoModeCost m5.large -Ec2Discount 150 -Region us-east-1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,EksAutoMode.Commands.MeasureAutoModeCostCommand'
        { Measure-AutoModeCost m5.large -Ec2Discount '-5%' -Region us-east-1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,EksAutoMode.Commands.MeasureAutoModeCostCommand'
        { Measure-AutoModeCost m5.large -Ec2HourlyPrice -1 -Region us-east-1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,EksAutoMode.Commands.MeasureAutoModeCostCommand'
    }

    It 'applies -Ec2Discount to EC2 only, as a fraction, a percentage or text' {
        foreach ($discount in 0.3, 30, '30%') {
            $line = Measure-AutoModeCost c6g.large -Region ap-northeast-1 -Ec2Discount $discount -Period Hour | Select-Object -First 1
            $line.EffectiveEc2HourlyPrice | Should -Be (0.0856 * 0.7)
            $line.FeeHourlyPrice | Should -Be 0.01027
            $line.Ec2Discount | Should -Be 0.3
        }
    }

    It 'binds Get-EC2Instance-shaped objects: Auto Mode pays the fee, a managed node group does not' {
        $auto = New-Ec2Instance c6g.large ap-northeast-1a $null $true @{ 'eks:eks-cluster-name' = 'demo'; 'eks:kubernetes-node-pool-name' = 'system' }
        $mng = New-Ec2Instance c6g.large ap-northeast-1c 'spot' $false @{ 'eks:nodegroup-name' = 'ng-1' }
        $oss = New-Ec2Instance c6g.large ap-northeast-1d $null $false @{ 'karpenter.sh/nodepool' = 'default' }
        $lines = $auto, $mng, $oss | Measure-AutoModeCost -Period Hour -SpotPrice 0.03 | Where-Object { $_ -is [EksAutoMode.CostLine] }
        $lines.Count | Should -Be 3
        $a = $lines | Where-Object LaunchType -eq 'AutoModeBuiltIn'
        $a.FeeApplies | Should -BeTrue
        $a.FeeHourlyPrice | Should -Be 0.01027
        $a.Region | Should -Be 'ap-northeast-1'
        $m = $lines | Where-Object LaunchType -eq 'ManagedNodeGroup'
        $m.FeeApplies | Should -BeFalse
        $m.FeeReason | Should -Match 'managed node group'
        $m.CapacityType | Should -Be 'Spot'
        $m.EffectiveEc2HourlyPrice | Should -Be 0.03
        ($lines | Where-Object LaunchType -eq 'Karpenter').FeeReason | Should -Match 'OSS Karpenter'
    }

    It 'adds the full fee to spot and warns once when no spot price is given' {
        $line = [pscustomobject]@{ InstanceType = 'c6g.large'; Region = 'ap-northeast-1'; CapacityType = 'spot'; Count = 3 } |
            Measure-AutoModeCost -Period Hour -WarningVariable w -WarningAction SilentlyContinue | Select-Object -First 1
        $line.FeeHourlyPrice | Should -Be 0.01027
        $line.EffectiveEc2HourlyPrice | Should -Be 0.0856
        @($w).Count | Should -Be 1
        "$w" | Should -Match 'SpotPrice'
    }

    It '-AssumeAutoMode prices a standard fleet as if Auto Mode ran it' {
        $line = [pscustomobject]@{ InstanceType = 'c6g.large'; Region = 'ap-northeast-1'; LaunchType = 'ManagedNodeGroup' } |
            Measure-AutoModeCost -AssumeAutoMode -Period Hour | Select-Object -First 1
        $line.FeeApplies | Should -BeTrue
        $line.FeeReason | Should -Match 'AssumeAutoMode'
    }

    It 'never adds USD and CNY together' {
        $out = [pscustomobject]@{ InstanceType = 'm5.large'; Region = 'cn-north-1' }, [pscustomobject]@{ InstanceType = 'm5.large'; Region = 'us-east-1' } |
            Measure-AutoModeCost -Summary -Period Hour -WarningAction SilentlyContinue
        $out.Count | Should -Be 2
        ($out | Where-Object Currency -eq 'CNY').Ec2Cost | Should -Be 1.013
        ($out | Where-Object Currency -eq 'USD').Ec2Cost | Should -Be 0.096
    }

    It 'groups by NodePool and by nothing' {
        $items = @(
            [pscustomobject]@{ InstanceType = 'm5.large'; NodePool = 'web'; Count = 1 }
            [pscustomobject]@{ InstanceType = 'm5.xlarge'; NodePool = 'web'; Count = 2 }
            [pscustomobject]@{ InstanceType = 'm5.large'; NodePool = 'batch'; Count = 1 }
        )
        $byPool = $items | Measure-AutoModeCost -Region us-east-1 -GroupBy NodePool -WarningAction SilentlyContinue | Where-Object { $_ -is [EksAutoMode.CostLine] }
        $byPool.NodePool | Should -Be @('web', 'batch')
        $byPool[0].Count | Should -Be 3
        $byPool[0].InstanceType | Should -Be 'm5.large,m5.xlarge'
        $none = $items | Measure-AutoModeCost -Region us-east-1 -GroupBy None -WarningAction SilentlyContinue | Where-Object { $_ -is [EksAutoMode.CostLine] }
        $none.Count | Should -Be 3
    }

    It 'reads CSV files with -Path and -LiteralPath, reporting bad rows and pricing the rest' {
        $csv = Join-Path $TestDrive 'fleet [1].csv'
        @(
            [pscustomobject]@{ InstanceType = 'c6g.large'; Count = 4; AvailabilityZone = 'ap-northeast-1a'; LaunchType = 'AutoModeCustom'; NodePool = 'web' }
            [pscustomobject]@{ InstanceType = 'c6g.large'; Count = -2; AvailabilityZone = 'ap-northeast-1a'; LaunchType = ''; NodePool = '' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
        $out = Measure-AutoModeCost -LiteralPath $csv -Period Hour -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCount,*'
        $line = $out | Where-Object { $_ -is [EksAutoMode.CostLine] }
        $line.Count | Should -Be 4
        $line.TotalCost | Should -Be (4 * 0.09587)
        (Get-Item -LiteralPath $csv | Measure-AutoModeCost -Summary -ErrorAction SilentlyContinue).InstanceCount | Should -Be 4
        Measure-AutoModeCost -Path (Join-Path $TestDrive 'missing*.csv') -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
    }

    It 'reports pipeline objects without an InstanceType or with a negative Count per object' {
        $items = [pscustomobject]@{ Name = 'x' }, [pscustomobject]@{ InstanceType = 'c6g.large'; Count = -3 }, [pscustomobject]@{ InstanceType = 'c6g.large'; Count = '2' }
        $out = $items | Measure-AutoModeCost -Region ap-northeast-1 -Summary -ErrorVariable e -ErrorAction SilentlyContinue
        $e.FullyQualifiedErrorId | ForEach-Object { ($_ -split ',')[0] } | Should -Be @('InstanceTypeMissing', 'InvalidCount')
        $out.InstanceCount | Should -Be 2
    }

    It 'lets command-line values override every piped object' {
        $items = [pscustomobject]@{ InstanceType = 'c6g.large'; Region = 'us-east-1'; Count = 5 }
        $line = $items | Measure-AutoModeCost -Region ap-northeast-1 -Count 1 -CapacityType Spot -SpotPrice 0.02 -Period Hour | Select-Object -First 1
        $line.Region | Should -Be 'ap-northeast-1'
        $line.Count | Should -Be 1
        $line.CapacityType | Should -Be 'Spot'
        $line.TotalHourlyPrice | Should -Be (0.02 + 0.01027)
    }

    It 'asks for a Region when none is known' {
        Measure-AutoModeCost m5.large -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $e[0].FullyQualifiedErrorId | Should -BeLike 'RegionRequired,*'
        $env:AWS_REGION = 'us-east-1'
        try { (Measure-AutoModeCost m5.large -Summary -WarningAction SilentlyContinue).Regions | Should -Be 'us-east-1' }
        finally { $env:AWS_REGION = $null }
    }

    It 'formats lines with the currency code in the default table view' {
        $text = Measure-AutoModeCost c6g.large -Region ap-northeast-1 | Out-String -Width 200
        $text | Should -Match 'USD 0\.08560'
        $text | Should -Match 'USD 0\.01027'
        $text | Should -Match '12\.0 %'
        $text | Should -Not -MatchExactly 'TOTAL '
        (Measure-AutoModeCost c6g.large -Region ap-northeast-1 -Summary | Format-List | Out-String) | Should -Match '1 \(1 paying the Auto Mode fee\)'
    }
}

Describe 'Get-AutoModePrice' {
    It 'shows the catalogue row with its sources' {
        $p = Get-AutoModePrice -InstanceType c6g.large -Region ap-northeast-1
        $p | Should -BeOfType ([EksAutoMode.AutoModePrice])
        $p.Ec2HourlyPrice | Should -Be 0.0856
        $p.FeeHourlyPrice | Should -Be 0.01027
        $p.FeeVerified | Should -BeFalse
        $p.Ec2PriceSource | Should -Be 'Embedded'
    }

    It 'expands wildcards, estimates fees with one warning, and keeps CNY for China' {
        $rows = Get-AutoModePrice 'm5.*' -Region us-east-1 -WarningVariable w -WarningAction SilentlyContinue
        $rows.Count | Should -BeGreaterThan 5
        $rows.FeePriceSource | Sort-Object -Unique | Should -Be 'Estimated'
        @($w).Count | Should -Be 1
        (Get-AutoModePrice m5.large -Region cn-north-1 -WarningAction SilentlyContinue).Currency | Should -Be 'CNY'
    }

    It 'errors for a Region without prices instead of showing another Region''s' {
        Get-AutoModePrice m5.large -Region eu-west-1 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'UnknownRegion,*'
    }

    It 'prefers the per-user cache over the embedded snapshot' {
        $cache = Join-Path $TestDrive 'cache.json'
        @{
            schemaVersion = 1; updatedAt = '2026-11-27T00:00:00Z'
            regions = @{ 'us-east-1' = @{ asOf = '2026-11-27T00:00:00Z'; source = 'test'; currency = 'USD'; ec2 = @{ 'm5.large' = 0.1 }; fee = @{ 'm5.large' = 0.0115 } } }
        } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $cache
        $env:EKSAUTOMODE_PRICE_CACHE = $cache
        try {
            $p = Get-AutoModePrice m5.large -Region us-east-1
            $p.Ec2PriceSource | Should -Be 'Cache'
            $p.FeeHourlyPrice | Should -Be 0.0115
            (Measure-AutoModeCost m5.large -Region us-east-1 -Period Hour -WarningVariable w | Select-Object -First 1).TotalHourlyPrice | Should -Be 0.1115
            $w | Should -BeNullOrEmpty
        }
        finally { $env:EKSAUTOMODE_PRICE_CACHE = Join-Path $TestDrive 'no-cache.json' }
    }
}

Describe 'Update-AutoModePriceCache (offline behaviour)' {
    BeforeAll {
        # Belt and braces: no instance-metadata lookups from tests.
        $script:savedImds = $env:AWS_EC2_METADATA_DISABLED
        $env:AWS_EC2_METADATA_DISABLED = 'true'
    }
    AfterAll { $env:AWS_EC2_METADATA_DISABLED = $script:savedImds }

    It 'supports -WhatIf and writes nothing (and calls nothing) with it' {
        $cache = Join-Path $TestDrive 'whatif.json'
        $env:EKSAUTOMODE_PRICE_CACHE = $cache
        try {
            Update-AutoModePriceCache -Region ap-northeast-1, eu-west-1 -WhatIf -EndpointUrl 'http://127.0.0.1:9' | Should -BeNullOrEmpty
            $cache | Should -Not -Exist
        }
        finally { $env:EKSAUTOMODE_PRICE_CACHE = Join-Path $TestDrive 'no-cache.json' }
        (Get-Command Update-AutoModePriceCache).Parameters.Keys | Should -Contain 'WhatIf'
    }

    It 'rejects a bad Region per Region, without a stack trace' {
        Update-AutoModePriceCache -Region 'tokyo' -ErrorVariable e -ErrorAction SilentlyContinue -WhatIf
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRegion,*'
        $e[0].Exception.Message | Should -Match 'not an AWS Region code'
    }

    It 'reports an unreachable endpoint as an error and leaves the cache untouched' {
        $cache = Join-Path $TestDrive 'unreachable.json'
        Set-Content -LiteralPath $cache -Value '{"schemaVersion":1,"updatedAt":"2026-01-01T00:00:00Z","regions":{}}'
        $before = Get-Content -Raw -LiteralPath $cache
        $env:EKSAUTOMODE_PRICE_CACHE = $cache
        try {
            # Port 9 (discard) on loopback: connection refused, quickly and locally.
            Update-AutoModePriceCache -Region us-east-1 -EndpointUrl 'http://127.0.0.1:9' -AccessKey AKIDEXAMPLE -SecretKey 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' -ErrorVariable e -ErrorAction SilentlyContinue
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionFailure,*'
            $e[0].Exception.Message | Should -Match 'GetProducts'
            ($e | Out-String) | Should -Not -Match 'wJalrXUtnFEMI'
            Get-Content -Raw -LiteralPath $cache | Should -Be $before
        }
        finally { $env:EKSAUTOMODE_PRICE_CACHE = Join-Path $TestDrive 'no-cache.json' }
    }
}

Describe 'Measure-AutoModeCost with real AWSSDK.EC2 Instance objects (what Get-EC2Instance returns)' {
    It 'binds InstanceType, Placement.AvailabilityZone, InstanceLifecycle, Operator.Managed and Tags from Amazon.EC2.Model.Instance' {
        # In a fresh pwsh, because the SDK types are loaded into the default context the way AWS.Tools loads them.
        $deps = Join-Path (Split-Path $env:EKSAUTOMODE_MODULE_PATH) 'Dependencies'
        $result = Invoke-FreshPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$deps/AWSSDK.Core.dll'
Add-Type -Path '$deps/AWSSDK.EC2.dll'
function New-Instance(`$type, `$zone, `$lifecycle, `$managed, [hashtable] `$tags) {
    `$i = [Amazon.EC2.Model.Instance]::new()
    `$i.InstanceId = 'i-0123456789abcdef0'
    `$i.InstanceType = [Amazon.EC2.InstanceType]::FindValue(`$type)
    `$i.Placement = [Amazon.EC2.Model.Placement]@{ AvailabilityZone = `$zone }
    if (`$lifecycle) { `$i.InstanceLifecycle = [Amazon.EC2.InstanceLifecycleType]::FindValue(`$lifecycle) }
    `$i.Operator = [Amazon.EC2.Model.OperatorResponse]@{ Managed = `$managed; Principal = `$(if (`$managed) { 'eks.amazonaws.com' }) }
    `$i.Tags = [System.Collections.Generic.List[Amazon.EC2.Model.Tag]]::new()
    foreach (`$k in `$tags.Keys) { `$i.Tags.Add([Amazon.EC2.Model.Tag]::new(`$k, `$tags[`$k])) }
    `$i
}
Import-Module '$($env:EKSAUTOMODE_MODULE_PATH)'
`$env:EKSAUTOMODE_PRICE_CACHE = '$(Join-Path $TestDrive 'none.json')'
`$fleet = @(
    New-Instance 'c6g.large' 'ap-northeast-1a' `$null `$true @{ 'eks:eks-cluster-name' = 'demo'; 'eks:kubernetes-node-pool-name' = 'general-purpose' }
    New-Instance 'c6g.large' 'ap-northeast-1c' 'spot' `$false @{ 'eks:nodegroup-name' = 'ng-1' }
)
`$fleet | Measure-AutoModeCost -Period Hour -SpotPrice 0.03 | Where-Object { `$_ -is [EksAutoMode.CostLine] } |
    ForEach-Object { '{0}|{1}|{2}|{3}|{4}|{5}|{6}' -f `$_.InstanceType, `$_.Region, `$_.CapacityType, `$_.LaunchType, `$_.FeeApplies, `$_.FeeHourlyPrice, `$_.NodePool }
"@
        $result.Error | Should -BeNullOrEmpty
        $result.Output | Should -Contain 'c6g.large|ap-northeast-1|OnDemand|AutoModeBuiltIn|True|0.01027|general-purpose'
        $result.Output | Should -Contain 'c6g.large|ap-northeast-1|Spot|ManagedNodeGroup|False|0|'
    }
}
