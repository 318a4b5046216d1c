BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
}

Describe 'Get-AutoModeDifference' {
    It 'returns the fee facts for -Area Cost, each with an https source and a date' {
        $cost = @(Get-AutoModeDifference -Area Cost)
        $cost.Count | Should -BeGreaterOrEqual 3
        $cost.Area | Sort-Object -Unique | Should -Be 'Cost'
        ($cost | Where-Object Topic -eq 'Auto Mode fee').AutoMode | Should -Match 'per-instance fee'
        ($cost | Where-Object Topic -like '*Discounts*').AutoMode | Should -Match 'not the fee'
        foreach ($fact in $cost) {
            $fact.SourceUrl | Should -Match '^https://'
            $fact.AsOf | Should -BeOfType [datetime]
        }
    }

    It 'pins the worked example of the article at 112.0 %, not the misprinted 119.9 %' {
        (Get-AutoModeDifference -Topic 'Worked example*').AutoMode | Should -Match '112\.0 %'
    }

    It 'filters by impact and by topic wildcard' {
        $unsupported = @(Get-AutoModeDifference -Impact Unsupported)
        $unsupported.Count | Should -BeGreaterThan 2
        $unsupported.Impact | Sort-Object -Unique | Should -Be 'Unsupported'
        $unsupported.Topic | Should -Contain 'Windows nodes'
        @(Get-AutoModeDifference -Topic '*targetgroup*').Topic | Should -Be @('TargetGroupBinding')
    }

    It 'shows the current state of facts that changed and keeps their history' {
        $tgb = Get-AutoModeDifference -Topic TargetGroupBinding
        $tgb.AutoMode | Should -Match 'eks\.amazonaws\.com/v1'
        $tgb.History.Count | Should -BeGreaterOrEqual 1
        $tgb.History[0].AsOf | Should -BeLessThan $tgb.AsOf
        ($tgb.History.AutoMode -join ' ') | Should -Match 'not supported|cannot bring'
        (Get-AutoModeDifference -Topic 'Custom networking*').AutoMode | Should -Match 'podSubnetSelectorTerms'
    }

    It 'reports an exact topic that does not exist as a non-terminating TopicNotFound error' {
        $out = Get-AutoModeDifference -Topic 'No such topic' -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'TopicNotFound,EksAutoMode.Commands.GetAutoModeDifferenceCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'rejects an unknown area at parameter binding' {
        { Get-AutoModeDifference -Area Gpu -ErrorAction Stop } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,EksAutoMode.Commands.GetAutoModeDifferenceCommand'
    }

    It 'binds Area by property name from the pipeline' {
        $areas = [pscustomobject]@{ Area = 'Storage' } | Get-AutoModeDifference
        $areas.Area | Sort-Object -Unique | Should -Be 'Storage'
    }

    It 'renders the default table view grouped by area' {
        $text = Get-AutoModeDifference -Area Cost | Out-String -Width 200
        $text | Should -Match 'Area: Cost'
        $text | Should -Match 'Impact\s+Topic\s+AsOf\s+AutoMode'
    }

    It 'has help with real examples' {
        $examples = (Get-Help Get-AutoModeDifference -Examples).examples.example
        $examples.Count | Should -BeGreaterOrEqual 2
        $examples[0].code | Should -Match 'Get-AutoModeDifference -Area Cost'
        (Get-Help about_EksAutoMode | Out-String) | Should -Match 'Auto Mode'
    }

    It 'serialises cleanly to JSON for pipelines and reports' {
        $json = Get-AutoModeDifference -Topic 'Node lifetime' | ConvertTo-Json -Depth 4 -EnumsAsStrings | ConvertFrom-Json
        $json.Topic | Should -Be 'Node lifetime'
        $json.Impact | Should -Be 'Caveat'
        $json.History[0].SourceUrl | Should -Match '^https://'
    }
}
