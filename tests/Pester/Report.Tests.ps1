# Export-AutoModeReport rendered in a real browser: headless Debian Chromium driven over the DevTools protocol
# (Chromium.psm1). Reports from the sandbox's automode and mixed scenarios (collected by the report itself) and
# from piped offline objects (deserialized nodes, validation findings, cost lines) must render every section and
# chart, show the objects' own numbers, load nothing but the file itself, and log no error. One screenshot per
# run is kept at out/TestResults/report-screenshot.png. Chromium missing is a failure, not a skip.

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Chromium.psm1') -Force
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    Import-Module (Join-Path $PSScriptRoot 'Common.psm1') -Force
    $script:savedEnv = Clear-TestEnvironment -Name 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
        'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_ENDPOINT_URL', 'AWS_CA_BUNDLE', 'EKSAUTOMODE_PRICE_CACHE', 'KUBECONFIG'
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ('eam-report-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Force $script:tmp | Out-Null
    $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $script:tmp 'credentials'
    $env:AWS_CONFIG_FILE = Join-Path $script:tmp 'config'
    $env:KUBECONFIG = Join-Path $script:tmp 'no-kubeconfig'
    $env:EKSAUTOMODE_PRICE_CACHE = Join-Path $script:tmp 'prices.json'
    $script:resultsDir = Join-Path $env:EKSAUTOMODE_REPO_ROOT 'out/TestResults'

    # Fails every test of this file with the reason when Chromium is not installed (CI installs it).
    $script:browser = Start-HeadlessChromium

    # What the page shows, read from the rendered DOM (data-* attributes carry the exact values).
    $script:readPage = @'
const num = s => s === '' || s === undefined ? null : s;
const rows = sel => [...document.querySelectorAll(sel)];
return {
  title: document.title,
  sections: rows('section[data-section]').map(s => ({ id: s.id, heading: s.querySelector('h2')?.textContent, h: s.getBoundingClientRect().height })),
  charts: rows('svg.chart').map(s => { const r = s.getBoundingClientRect(); return { id: s.dataset.chart, w: r.width, h: r.height,
    title: s.querySelector('title')?.textContent ?? '', desc: s.querySelector('desc')?.textContent ?? '', labelledBy: s.getAttribute('aria-labelledby') ?? '' }; }),
  metrics: Object.fromEntries(rows('[data-metric][data-value]').map(e => [e.dataset.metric, e.dataset.value])),
  groups: rows('tr[data-group]').map(r => ({ group: r.dataset.group, key: r.dataset.key, count: num(r.dataset.count), currency: r.dataset.currency ?? null,
    ec2: num(r.dataset.ec2), fee: num(r.dataset.fee), stateful: num(r.dataset.stateful) })),
  totals: rows('tr[data-metric="cost-total"]').map(r => ({ currency: r.dataset.currency, instances: r.dataset.instances, ec2: r.dataset.ec2, fee: r.dataset.fee, total: r.dataset.total })),
  nodes: rows('tr[data-node]').map(r => ({ node: r.dataset.node, stateful: r.classList.contains('stateful-row'), text: r.textContent })),
  claims: rows('tr[data-claim]').map(r => ({ claim: r.dataset.claim, text: r.textContent })),
  checks: rows('tr[data-check]').map(r => ({ id: r.dataset.check, severity: r.dataset.severity, status: r.dataset.status })),
  validation: rows('tr[data-rule]').map(r => ({ rule: r.dataset.rule, file: r.dataset.file, line: r.dataset.line, text: r.querySelector('th').textContent })),
  sources: rows('tr[data-cluster]').map(r => ({ cluster: r.dataset.cluster, collected: r.dataset.collected })),
  headerCellsWithoutScope: rows('th').filter(t => !t.hasAttribute('scope')).length,
  scripts: document.scripts.length,
  images: document.images.length,
  bodyText: document.body.innerText.length
};
'@

    function Get-RenderedReport([string] $Path, [string] $Screenshot) {
        $url = [Uri]::new((Resolve-Path -LiteralPath $Path).ProviderPath, [UriKind]::Absolute).AbsoluteUri
        $page = Open-CdpDocument -Browser $script:browser -Url $url
        try {
            $dom = Invoke-CdpScript -Page $page -Expression $script:readPage
            if ($Screenshot) { $null = Save-CdpScreenshot -Page $page -Path $Screenshot }
            $problems = Get-CdpPageProblems -Page $page
            [pscustomobject]@{ Url = $url; Dom = $dom; Problems = $problems; Page = $page }
        }
        catch { Close-CdpPage -Page $page; throw }
    }

    # The checks every report must pass in the browser.
    function Assert-RenderedReport($Rendered) {
        $Rendered.Problems.ConsoleErrors | Should -BeNullOrEmpty
        $Rendered.Problems.Exceptions | Should -BeNullOrEmpty
        $Rendered.Problems.LogErrors | Should -BeNullOrEmpty
        # Nothing but the file itself (and data: URIs) is requested: no CDN, no font, no image, no beacon.
        @($Rendered.Problems.Requests | Where-Object { $_ -ne $Rendered.Url -and $_ -notlike 'data:*' }) | Should -BeNullOrEmpty
        @($Rendered.Problems.Requests) | Should -Contain $Rendered.Url
        $Rendered.Dom.scripts | Should -Be 0
        @($Rendered.Dom.sections.id) | Should -Be @('sources', 'fleet', 'cost', 'expiry', 'readiness', 'validation', 'nodeclaims')
        foreach ($s in $Rendered.Dom.sections) { $s.h | Should -BeGreaterThan 0 -Because "section $($s.id) is visible" }
        $Rendered.Dom.headerCellsWithoutScope | Should -Be 0
        foreach ($c in $Rendered.Dom.charts) {
            $c.w | Should -BeGreaterThan 0 -Because "chart $($c.id) has a width"
            $c.h | Should -BeGreaterThan 0 -Because "chart $($c.id) has a height"
            $c.title | Should -Not -BeNullOrEmpty
            $c.desc | Should -Not -BeNullOrEmpty
        }
    }

    function Assert-FleetNumbers($Dom, $Nodes) {
        [int]$Dom.metrics.'fleet-nodes' | Should -Be @($Nodes).Count
        foreach ($g in @($Nodes | Group-Object { "$($_.ComputeType)" })) {
            ($Dom.groups | Where-Object { $_.group -eq 'computeType' -and $_.key -eq $g.Name }).count | Should -Be "$($g.Count)"
        }
        foreach ($g in @($Nodes | Group-Object { "$($_.CapacityType)" })) {
            ($Dom.groups | Where-Object { $_.group -eq 'capacityType' -and $_.key -eq $g.Name }).count | Should -Be "$($g.Count)"
        }
        foreach ($g in @($Nodes | Where-Object NodePool | Group-Object NodePool)) {
            ($Dom.groups | Where-Object { $_.group -eq 'nodePool' -and $_.key -eq $g.Name }).count | Should -Be "$($g.Count)"
        }
        # Expiry: Auto Mode nodes per UTC day of ExpiresAt, and nodes with stateful pods marked.
        $expiring = @($Nodes | Where-Object { $_.ComputeType -eq 'AutoMode' -and $_.ExpiresAt -ne [datetime]::MaxValue })
        [int]$Dom.metrics.'expiry-nodes' | Should -Be $expiring.Count
        foreach ($g in @($expiring | Group-Object { $_.ExpiresAt.ToUniversalTime().ToString('yyyy-MM-dd') })) {
            $day = $Dom.groups | Where-Object { $_.group -eq 'expiry-day' -and $_.key -eq $g.Name }
            $day.count | Should -Be "$($g.Count)"
            $day.stateful | Should -Be "$(@($g.Group | Where-Object StatefulPods -gt 0).Count)"
        }
        foreach ($n in $expiring) {
            ($Dom.nodes | Where-Object node -eq $n.Name).stateful | Should -Be ($n.StatefulPods -gt 0) -Because "$($n.Name) has $($n.StatefulPods) stateful pod(s)"
        }
    }

    function Assert-CostEqualsMeasure($Dom, $Nodes, [double] $Discount = 0) {
        $summary = @($Nodes | Where-Object { $_.InstanceType } | Measure-AutoModeCost -Summary -Ec2Discount $Discount)
        $summary.Count | Should -BeGreaterThan 0
        foreach ($s in $summary) {
            $row = $Dom.totals | Where-Object currency -eq $s.Currency
            [decimal]$row.ec2 | Should -Be $s.Ec2Cost
            [decimal]$row.fee | Should -Be $s.FeeCost
            [decimal]$row.total | Should -Be $s.TotalCost
            [int]$row.instances | Should -Be $s.InstanceCount
        }
        # Per pool and per capacity type add up to the totals (decimal sums; Measure-Object would sum doubles).
        $fee = [decimal]0; foreach ($t in $summary) { $fee += $t.FeeCost }
        foreach ($group in 'cost-pool', 'cost-capacity') {
            $sum = [decimal]0
            foreach ($row in @($Dom.groups | Where-Object group -eq $group)) { $sum += [decimal]$row.fee }
            $sum | Should -Be $fee -Because "the $group rows add up to the total fee"
        }
    }
}

AfterAll {
    if ($script:browser) { Stop-HeadlessChromium -Browser $script:browser }
    Restore-TestEnvironment -Saved $script:savedEnv
    Remove-Item -Recurse -Force $script:tmp -ErrorAction SilentlyContinue
}

Describe 'Export-AutoModeReport in a browser: the automode scenario' {
    BeforeAll {
        $script:sb = Start-EksSandbox -Scenario automode -Seed 16
        $script:aws = @{ EndpointUrl = $script:sb.awsEndpointUrl; Region = 'us-west-2'; AccessKey = $script:sb.accessKeyId; SecretKey = $script:sb.secretAccessKey }
        $null = Update-AutoModePriceCache -Region us-west-2 @aws
        $script:file = Export-AutoModeReport -ClusterName automode-eks @aws -Path (Join-Path $script:tmp 'automode.html') -Ec2Discount 0.2 -IncludeIamAudit -PassThru
        $script:nodes = @(Get-AutoModeNode automode-eks @aws)
        $script:claims = @(Get-AutoModeNodeClaim automode-eks @aws)
        $script:iam = @(Test-AutoModeIamRole -ClusterName automode-eks @aws)
        # Kept for the offline report below: objects as a runbook would save them.
        @($script:nodes; $script:claims; Get-AutoModeNodePool automode-eks @aws; $script:iam) | Export-Clixml (Join-Path $script:tmp 'automode.clixml')
        Stop-EksSandbox -Sandbox $script:sb; $script:sb = $null
        New-Item -ItemType Directory -Force $script:resultsDir | Out-Null
        $script:r = Get-RenderedReport $script:file.FullName -Screenshot (Join-Path $script:resultsDir 'report-screenshot.png')
    }
    AfterAll {
        if ($script:r) { Close-CdpPage -Page $script:r.Page }
        if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
    }

    It 'renders every section and chart with no console error and no request beyond the file' {
        $script:file | Should -BeOfType System.IO.FileInfo
        Assert-RenderedReport $script:r
        @($script:r.Dom.charts.id) | Should -Contain 'expiry-days'
        @($script:r.Dom.charts.id) | Should -Contain 'cost-pool-usd'
        Join-Path $script:resultsDir 'report-screenshot.png' | Should -Exist
        (Get-Item (Join-Path $script:resultsDir 'report-screenshot.png')).Length | Should -BeGreaterThan 20KB
    }

    It 'shows the inventory''s node counts and expiry days, with the StatefulSet''s node highlighted' {
        Assert-FleetNumbers $script:r.Dom $script:nodes
        $stateful = @($script:nodes | Where-Object StatefulPods -gt 0)
        $stateful.Name | Should -Be @('i-0a6b7c8d9e0f1c36d')   # batch/report-db, a StatefulSet pod
        [int]$script:r.Dom.metrics.'expiry-stateful' | Should -Be 1
    }

    It 'shows the same cost as Measure-AutoModeCost with the same discount, with the price source and date' {
        Assert-CostEqualsMeasure $script:r.Dom $script:nodes -Discount 0.2
        $script:r.Dom.sources[0].cluster | Should -Be 'automode-eks'
        ([datetime]$script:r.Dom.sources[0].collected).ToUniversalTime() | Should -BeGreaterThan ([datetime]::UtcNow.AddHours(-1))
    }

    It 'shows the IAM audit it ran (-IncludeIamAudit) as Test-AutoModeIamRole reports it' {
        $found = @($script:iam | Where-Object { "$($_.Status)" -in 'Fail', 'Warn' })
        $found.Count | Should -BeGreaterThan 0   # the scenario's NodeClass tags lack the tag-propagation policy
        @($script:r.Dom.checks.id | Sort-Object) | Should -Be @($found.CheckId | Sort-Object)
        foreach ($f in $found) { ($script:r.Dom.checks | Where-Object id -eq $f.CheckId).severity | Should -Be "$($f.Severity)" }
        [int]$script:r.Dom.metrics.'readiness-checks' | Should -Be $script:iam.Count
    }

    It 'lists the stuck NodeClaim with its diagnosis' {
        $stuck = @($script:claims | Where-Object { $_.Diagnosis.Count -gt 0 })
        $stuck.Count | Should -BeGreaterThan 0
        [int]$script:r.Dom.metrics.'nodeclaims-stuck' | Should -BeGreaterOrEqual $stuck.Count
        foreach ($c in $stuck) {
            $row = $script:r.Dom.claims | Where-Object claim -eq $c.Name
            $row | Should -Not -BeNullOrEmpty
            $row.text | Should -BeLike "*$($c.Diagnosis[0].Code)*"
        }
    }

    It 'is readable in dark mode and prints on A4' {
        $page = $script:r.Page
        $light = Invoke-CdpScript -Page $page -Expression 'return getComputedStyle(document.body).backgroundColor'
        $null = Invoke-Cdp -Page $page -Method 'Emulation.setEmulatedMedia' -Params @{ features = @(@{ name = 'prefers-color-scheme'; value = 'dark' }) }
        $dark = Invoke-CdpScript -Page $page -Expression 'const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]'
        $light | Should -Be 'rgb(255, 255, 255)'
        $dark[0] | Should -Not -Be $light
        $dark[0] | Should -Match '^rgb\((\d|[1-5]\d), (\d|[1-5]\d), (\d|[1-5]\d)\)$'   # a dark background
        $dark[1] | Should -Match '^rgb\(2\d\d, 2\d\d, 2\d\d\)$'                         # light text on it
        $null = Invoke-Cdp -Page $page -Method 'Emulation.setEmulatedMedia' -Params @{ media = 'print'; features = @() }
        Invoke-CdpScript -Page $page -Expression 'return getComputedStyle(document.querySelector("nav")).display' | Should -Be 'none'
        $null = Invoke-Cdp -Page $page -Method 'Emulation.setEmulatedMedia' -Params @{ media = ''; features = @() }
        $pdf = Invoke-Cdp -Page $page -Method 'Page.printToPDF' -TimeoutSec 120 -Params @{ preferCSSPageSize = $true }
        $bytes = [Convert]::FromBase64String($pdf.data)
        [Text.Encoding]::ASCII.GetString($bytes, 0, 5) | Should -Be '%PDF-'
        # Every page is A4 (595 x 842 points; Skia writes 594.96 x 841.92).
        $boxes = @([regex]::Matches([Text.Encoding]::ASCII.GetString($bytes), '/MediaBox \[([^\]]*)\]') | ForEach-Object { $_.Groups[1].Value })
        $boxes.Count | Should -BeGreaterThan 1
        foreach ($box in $boxes) {
            $w, $h = ($box -split ' ')[2, 3] | ForEach-Object { [double]::Parse($_, [cultureinfo]::InvariantCulture) }
            [math]::Round($w) | Should -Be 595
            [math]::Round($h) | Should -Be 842
        }
    }
}

Describe 'Export-AutoModeReport in a browser: the mixed scenario' {
    BeforeAll {
        $script:sb = Start-EksSandbox -Scenario mixed -Seed 16
        $script:aws = @{ EndpointUrl = $script:sb.awsEndpointUrl; Region = 'us-west-2'; AccessKey = $script:sb.accessKeyId; SecretKey = $script:sb.secretAccessKey }
        $null = Update-AutoModePriceCache -Region us-west-2 @aws
        $path = Join-Path $script:tmp 'mixed.html'
        Export-AutoModeReport -ClusterName mixed-eks @aws -Path $path
        $script:nodes = @(Get-AutoModeNode mixed-eks @aws)
        Stop-EksSandbox -Sandbox $script:sb; $script:sb = $null
        $script:r = Get-RenderedReport $path
    }
    AfterAll {
        if ($script:r) { Close-CdpPage -Page $script:r.Page }
        if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
    }

    It 'renders every section and chart with no console error and no request beyond the file' {
        Assert-RenderedReport $script:r
    }

    It 'counts every compute type of the mixed fleet and the expiry of its Auto Mode nodes' {
        @($script:nodes | ForEach-Object { "$($_.ComputeType)" } | Sort-Object -Unique) | Should -Be @('AutoMode', 'Fargate', 'Hybrid', 'Karpenter', 'ManagedNodeGroup', 'SelfManaged')
        Assert-FleetNumbers $script:r.Dom $script:nodes
    }

    It 'charges the fee only on Auto Mode nodes, as Measure-AutoModeCost does, and lists unpriced nodes' {
        Assert-CostEqualsMeasure $script:r.Dom $script:nodes
        $auto = @($script:nodes | Where-Object { $_.FeeApplies }).Count
        $auto | Should -BeGreaterThan 0
        # OSS Karpenter's pool pays EC2 only.
        [decimal](($script:r.Dom.groups | Where-Object { $_.group -eq 'cost-pool' -and $_.key -eq 'oss-karpenter' }).fee) | Should -Be 0
    }
}

Describe 'Export-AutoModeReport in a browser: piped offline objects' {
    BeforeAll {
        $k8s = Join-Path $script:tmp 'k8s'
        New-Item -ItemType Directory -Force $k8s | Out-Null
        Copy-Item (Join-Path $env:EKSAUTOMODE_REPO_ROOT 'examples/automode/custom-nodepool.yaml') $k8s
        Set-Content -LiteralPath (Join-Path $k8s 'bad-pool.yaml') -Value @(
            'apiVersion: karpenter.sh/v1', 'kind: NodePool', 'metadata:', '  name: bad', 'spec:', '  template:', '    spec:',
            '      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass, name: default}', '      expireAfter: 900h', '      requirements: []')
        $script:validation = @(Test-AutoModeManifest $k8s)
        $script:saved = @(Import-Clixml (Join-Path $script:tmp 'automode.clixml'))
        $script:lines = @(Measure-AutoModeCost -InstanceType m5.large, c6g.large -Count 3 -Region us-east-1 -NodePool batch)
        # A hand-built node (bound by property names) whose text tries to load something.
        $hostile = [pscustomobject]@{ ClusterName = 'offline'; Name = '<img src="https://example.invalid/x.png">'; ComputeType = 'AutoMode'; IsAutoModeManaged = $true
            ExpiresAt = [datetime]::UtcNow.AddDays(3); CapacityType = 'OnDemand'; InstanceType = 'm5.large'; Zone = 'us-east-1a'; LaunchType = 'AutoModeCustom'; NodePool = '<script>x</script>' }
        $script:objects = @($script:saved; $script:validation; $script:lines; $hostile)
        $script:path = Join-Path $script:tmp 'offline.html'
        $script:objects | Export-AutoModeReport -Path $script:path -Title 'Offline <report>'
        $script:r = Get-RenderedReport $script:path
    }
    AfterAll { if ($script:r) { Close-CdpPage -Page $script:r.Page } }

    It 'renders every section and chart with no console error and no request beyond the file' {
        Assert-RenderedReport $script:r
        $script:r.Dom.title | Should -Be 'Offline <report>'
        $script:r.Dom.images | Should -Be 0   # the hostile node name is text, not an image
    }

    It 'shows the validation findings with file:line and the IAM findings by severity' {
        $shown = @($script:validation | Where-Object { "$($_.Severity)" -in 'Error', 'Warning' })
        $shown.Count | Should -BeGreaterThan 0
        $script:r.Dom.validation.Count | Should -Be $shown.Count
        foreach ($f in $shown) {
            $row = $script:r.Dom.validation | Where-Object { $_.rule -eq $f.RuleId -and $_.line -eq "$($f.Line)" }
            $row | Should -Not -BeNullOrEmpty
            $row[0].text | Should -Be "$($f.File):$($f.Line):$($f.Column)"
        }
        $iam = @($script:saved | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.EksAutoMode.AutoModeReadinessFinding' -and "$($_.Status)" -in 'Fail', 'Warn' })
        $script:r.Dom.checks.Count | Should -Be $iam.Count
        foreach ($f in $iam) { ($script:r.Dom.checks | Where-Object id -eq $f.CheckId).severity | Should -Be "$($f.Severity)" }
    }

    It 'reports the cost lines as given and the deserialized nodes'' numbers' {
        $row = $script:r.Dom.totals | Where-Object currency -eq 'USD'
        [decimal]$row.ec2 | Should -Be (($script:lines | Measure-Object Ec2Cost -Sum).Sum)
        [decimal]$row.fee | Should -Be (($script:lines | Measure-Object FeeCost -Sum).Sum)
        ($script:r.Dom.groups | Where-Object { $_.group -eq 'cost-pool' -and $_.key -eq 'batch' }).count | Should -BeNullOrEmpty   # cost rows carry ec2/fee, not counts
        [decimal](($script:r.Dom.groups | Where-Object { $_.group -eq 'cost-pool' -and $_.key -eq 'batch' }).ec2) | Should -Be ([decimal]$row.ec2)
        $nodes = @($script:saved | Where-Object { $_.PSObject.TypeNames -contains 'Deserialized.EksAutoMode.AutoModeNode' })
        [int]$script:r.Dom.metrics.'fleet-nodes' | Should -Be ($nodes.Count + 1)
        ([datetime]($script:r.Dom.sources | Where-Object cluster -eq 'automode-eks').collected).ToUniversalTime() | Should -BeGreaterThan ([datetime]::UtcNow.AddHours(-1))
    }

    It 'writes the same content as JSON' {
        $json = Join-Path $script:tmp 'offline.json'
        $script:objects | Export-AutoModeReport -Path $json -Format Json
        $doc = Get-Content -Raw $json | ConvertFrom-Json
        $doc.kind | Should -Be 'EksAutoMode.FleetReport'
        $doc.report.fleet.nodes | Should -Be ([int]$script:r.Dom.metrics.'fleet-nodes')
        [decimal]$doc.report.cost.totals[0].ec2Cost | Should -Be ([decimal]($script:r.Dom.totals | Where-Object currency -eq 'USD').ec2)
        $doc.report.validation.rows.Count | Should -Be $script:r.Dom.validation.Count
    }
}

Describe 'Export-AutoModeReport file handling' {
    BeforeAll { $script:node = Import-Clixml (Join-Path $script:tmp 'automode.clixml') | Select-Object -First 1 }

    It 'refuses to overwrite without -Force (OutputFileExists) and leaves the file as it was' {
        $path = Join-Path $script:tmp 'exists.html'
        Set-Content -LiteralPath $path -Value 'previous'
        { $script:node | Export-AutoModeReport -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'OutputFileExists,EksAutoMode.Commands.ExportAutoModeReportCommand'
        Get-Content -LiteralPath $path | Should -Be 'previous'
        $script:node | Export-AutoModeReport -Path $path -Force
        Get-Content -LiteralPath $path -Raw | Should -BeLike '<!DOCTYPE html>*'
        @(Get-ChildItem -LiteralPath $script:tmp -Filter '.exists.html.*.tmp' -Force) | Should -BeNullOrEmpty
    }

    It 'refuses a directory as -Path (PathIsDirectory) before reading anything, and reports each element of -InputObject @(...)' {
        $dir = Join-Path $script:tmp 'a-directory'
        New-Item -ItemType Directory -Force $dir | Out-Null
        { $script:node | Export-AutoModeReport -Path $dir -Force -ErrorAction Stop } | Should -Throw -ErrorId 'PathIsDirectory,EksAutoMode.Commands.ExportAutoModeReportCommand'
        @(Get-ChildItem -LiteralPath $dir -Force) | Should -BeNullOrEmpty

        $nodes = @(Import-Clixml (Join-Path $script:tmp 'automode.clixml') | Where-Object { $_.PSObject.TypeNames -match 'AutoModeNode$' } | Select-Object -First 2)
        $nodes.Count | Should -Be 2
        $path = Join-Path $script:tmp 'array.json'
        Export-AutoModeReport -InputObject $nodes -Path $path -Format Json
        (Get-Content -Raw -LiteralPath $path | ConvertFrom-Json).report.fleet.nodes | Should -Be 2
    }

    It 'writes nothing under -WhatIf and refuses objects it does not report' {
        $path = Join-Path $script:tmp 'whatif.html'
        $script:node | Export-AutoModeReport -Path $path -WhatIf
        $path | Should -Not -Exist
        'not a node' | Export-AutoModeReport -Path $path -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -Be 'ReportInputNotRecognized,EksAutoMode.Commands.ExportAutoModeReportCommand'
    }
}
