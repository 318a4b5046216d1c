#Requires -Version 7.4
<#
.SYNOPSIS
    Sandbox scale benchmark: 5,000 generated Auto Mode nodes (10 pods each: 50,000 pods) served in pages of 500.
    Baseline: one page of 500 (median of 7) x the page count. Measured: paging through the whole list (median of 3).
    A ratio near 1 means paging is linear (no per-page re-scan cost). Memory: sandbox working set after the
    first full pass and after 5 more passes; flat memory means the growth stays small.
#>
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Sandbox.psm1') -Force
$sb = Start-EksSandbox -Scenario automode -GenerateNodes 5000
try {
    $http = [System.Net.Http.HttpClient]::new([System.Net.Http.SocketsHttpHandler]@{ UseProxy = $false })
    $http.DefaultRequestHeaders.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $sb.staticToken)
    $base = $sb.kubernetesUrl
    function Get-Page([string] $Continue, [string] $Resource = 'nodes') {
        $u = "$base/api/v1/${Resource}?limit=500" + $(if ($Continue) { '&continue=' + [uri]::EscapeDataString($Continue) } else { '' })
        $json = $http.GetStringAsync($u).GetAwaiter().GetResult()
        $doc = [System.Text.Json.JsonDocument]::Parse($json)
        try {
            $meta = $doc.RootElement.GetProperty('metadata')
            $c = $null
            $prop = [System.Text.Json.JsonElement]::new()
            if ($meta.TryGetProperty('continue', [ref]$prop)) { $c = $prop.GetString() }
            return [pscustomobject]@{ Count = $doc.RootElement.GetProperty('items').GetArrayLength(); Continue = $c }
        }
        finally { $doc.Dispose() }
    }
    function Invoke-FullList([string] $Resource = 'nodes') {
        $n = 0; $pages = 0; $c = $null
        do { $p = Get-Page $c $Resource; $n += $p.Count; $pages++; $c = $p.Continue } while ($c)
        return [pscustomobject]@{ Items = $n; Pages = $pages }
    }
    $median = { param($xs) $s = $xs | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }

    $warm = Invoke-FullList   # JIT and caches
    $sbProc = $sb.Process
    $sbProc.Refresh(); $ws0 = $sbProc.WorkingSet64

    $one = for ($i = 0; $i -lt 7; $i++) { $sw = [Diagnostics.Stopwatch]::StartNew(); $null = Get-Page $null; $sw.Elapsed.TotalMilliseconds }
    $full = for ($i = 0; $i -lt 3; $i++) { $sw = [Diagnostics.Stopwatch]::StartNew(); $r = Invoke-FullList; $sw.Elapsed.TotalMilliseconds }
    for ($i = 0; $i -lt 2; $i++) { $null = Invoke-FullList }
    # The pods: ~50,000 computed on demand, paged cluster-wide the way an inventory reads them (3 passes).
    $podPass = for ($i = 0; $i -lt 3; $i++) { $sw = [Diagnostics.Stopwatch]::StartNew(); $pods = Invoke-FullList 'pods'; $sw.Elapsed.TotalMilliseconds }
    $sbProc.Refresh(); $ws1 = $sbProc.WorkingSet64

    $page = & $median $one; $all = & $median $full
    $expected = $page * $warm.Pages
    'sandbox: {0} nodes in {1} pages of <=500; one page median {2:N1} ms; full paged list median {3:N1} ms; ratio to {1} x one page {4:N2} (target <= 1.5: {5})' -f `
        $warm.Items, $warm.Pages, $page, $all, ($all / $expected), $(if ($all / $expected -le 1.5) { 'met' } else { 'NOT met' })
    'sandbox: {0} pods in {1} pages of <=500; full paged pod list median {2:N1} ms' -f $pods.Items, $pods.Pages, (& $median $podPass)
    'sandbox: working set after first pass {0:N0} MB, after 5 more node passes and 3 pod passes {1:N0} MB; growth {2:N1} MB (flat = growth < 50 MB: {3})' -f `
        ($ws0 / 1MB), ($ws1 / 1MB), (($ws1 - $ws0) / 1MB), $(if (($ws1 - $ws0) -lt 50MB) { 'met' } else { 'NOT met' })
}
finally {
    Stop-EksSandbox -Sandbox $sb
}
