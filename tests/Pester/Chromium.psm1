# Headless Debian Chromium driven over the Chrome DevTools Protocol (CDP) from PowerShell alone (no Node): start
# the browser, open a page, collect console errors, exceptions and every request URL, evaluate script in the
# rendered DOM, take a screenshot, print to PDF, stop the browser. Used by Report.Tests.ps1 and the Screenshot task.

$script:ChromiumPath = '/usr/bin/chromium'

function Start-HeadlessChromium {
    <# Starts Chromium with a fresh profile and a DevTools port chosen by the browser; returns the session. #>
    [CmdletBinding()]
    param([string] $Path = $script:ChromiumPath, [int] $TimeoutSec = 60)
    if (-not (Test-Path -LiteralPath $Path)) {
        throw "Chromium is not installed at $Path. Install Debian's package: apt-get update && apt-get install -y chromium (.ci/run installs it when it is missing)."
    }
    $profileDir = Join-Path ([IO.Path]::GetTempPath()) ('eam-chromium-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $profileDir | Out-Null
    $psi = [Diagnostics.ProcessStartInfo]::new($Path)
    foreach ($a in @('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--no-default-browser-check',
            '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions',
            '--disable-dev-shm-usage', '--hide-scrollbars', '--window-size=1280,900',
            "--user-data-dir=$profileDir", '--remote-debugging-port=0', 'about:blank')) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($psi)
    # Drain the browser's output so it never blocks on a full pipe.
    $null = $process.StandardError.ReadToEndAsync()
    $null = $process.StandardOutput.ReadToEndAsync()
    $portFile = Join-Path $profileDir 'DevToolsActivePort'
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (Test-Path -LiteralPath $portFile) -or (Get-Content -LiteralPath $portFile -ErrorAction SilentlyContinue).Count -lt 2) {
        if ($process.HasExited) { throw "Chromium exited with code $($process.ExitCode) before opening its DevTools port." }
        if ([DateTime]::UtcNow -gt $deadline) { Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue; throw "Chromium did not write $portFile within $TimeoutSec s." }
        Start-Sleep -Milliseconds 100
    }
    $lines = Get-Content -LiteralPath $portFile
    [pscustomobject]@{ Process = $process; ProfileDir = $profileDir; Port = [int]$lines[0]; BrowserPath = $lines[1] }
}

function Stop-HeadlessChromium {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Browser)
    if ($Browser.Process -and -not $Browser.Process.HasExited) {
        try { $Browser.Process.Kill($true) } catch { Write-Verbose "kill: $_" }
        $null = $Browser.Process.WaitForExit(10000)
    }
    Remove-Item -LiteralPath $Browser.ProfileDir -Recurse -Force -ErrorAction SilentlyContinue
}

function New-CdpPage {
    <# A new tab and a WebSocket connected to it. #>
    param([Parameter(Mandatory)] $Browser, [int] $TimeoutSec = 30)
    $target = Invoke-RestMethod -Method Put -Uri "http://127.0.0.1:$($Browser.Port)/json/new?about:blank" -TimeoutSec $TimeoutSec
    $ws = [Net.WebSockets.ClientWebSocket]::new()
    $cts = [Threading.CancellationTokenSource]::new([TimeSpan]::FromSeconds($TimeoutSec))
    $null = $ws.ConnectAsync([uri]$target.webSocketDebuggerUrl, $cts.Token).GetAwaiter().GetResult()
    [pscustomobject]@{ Socket = $ws; TargetId = $target.id; NextId = 1; Events = [Collections.Generic.List[object]]::new(); Browser = $Browser; TimeoutSec = $TimeoutSec }
}

function Close-CdpPage {
    param([Parameter(Mandatory)] $Page)
    try { $Page.Socket.Abort(); $Page.Socket.Dispose() } catch { Write-Verbose "close: $_" }
    try { $null = Invoke-RestMethod -Uri "http://127.0.0.1:$($Page.Browser.Port)/json/close/$($Page.TargetId)" -TimeoutSec 10 } catch { Write-Verbose "close tab: $_" }
}

function Receive-CdpMessage {
    param([Parameter(Mandatory)] $Page, [Threading.CancellationToken] $Token)
    $buffer = [byte[]]::new(1MB)
    $stream = [IO.MemoryStream]::new()
    do {
        $result = $Page.Socket.ReceiveAsync([ArraySegment[byte]]::new($buffer), $Token).GetAwaiter().GetResult()
        if ($result.MessageType -eq [Net.WebSockets.WebSocketMessageType]::Close) { throw 'The DevTools connection was closed.' }
        $stream.Write($buffer, 0, $result.Count)
    } until ($result.EndOfMessage)
    [Text.Encoding]::UTF8.GetString($stream.ToArray()) | ConvertFrom-Json -Depth 100
}

function Invoke-Cdp {
    <# Sends one CDP command and returns its result; events that arrive meanwhile are kept in $Page.Events. #>
    param([Parameter(Mandatory)] $Page, [Parameter(Mandatory)] [string] $Method, [hashtable] $Params = @{}, [int] $TimeoutSec = 0)
    $id = $Page.NextId++
    $json = @{ id = $id; method = $Method; params = $Params } | ConvertTo-Json -Depth 20 -Compress
    $cts = [Threading.CancellationTokenSource]::new([TimeSpan]::FromSeconds($(if ($TimeoutSec -gt 0) { $TimeoutSec } else { $Page.TimeoutSec })))
    $bytes = [Text.Encoding]::UTF8.GetBytes($json)
    $null = $Page.Socket.SendAsync([ArraySegment[byte]]::new($bytes), [Net.WebSockets.WebSocketMessageType]::Text, $true, $cts.Token).GetAwaiter().GetResult()
    while ($true) {
        $message = Receive-CdpMessage -Page $Page -Token $cts.Token
        if ($message.PSObject.Properties['id'] -and $message.id -eq $id) {
            if ($message.PSObject.Properties['error']) { throw "CDP $Method failed: $($message.error.message)" }
            return $message.result
        }
        if ($message.PSObject.Properties['method']) { $Page.Events.Add($message) }
    }
}

function Wait-CdpEvent {
    param([Parameter(Mandatory)] $Page, [Parameter(Mandatory)] [string] $Method, [int] $TimeoutSec = 30)
    $seen = $Page.Events | Where-Object method -eq $Method | Select-Object -First 1
    if ($seen) { return $seen }
    $cts = [Threading.CancellationTokenSource]::new([TimeSpan]::FromSeconds($TimeoutSec))
    while ($true) {
        $message = Receive-CdpMessage -Page $Page -Token $cts.Token
        if ($message.PSObject.Properties['method']) {
            $Page.Events.Add($message)
            if ($message.method -eq $Method) { return $message }
        }
    }
}

function Invoke-CdpScript {
    <# Evaluates JavaScript in the page and returns its value (objects come back as PowerShell objects via JSON). #>
    param([Parameter(Mandatory)] $Page, [Parameter(Mandatory)] [string] $Expression)
    $r = Invoke-Cdp -Page $Page -Method 'Runtime.evaluate' -Params @{ expression = "JSON.stringify((() => { $Expression })())"; returnByValue = $true }
    if ($r.PSObject.Properties['exceptionDetails']) { throw "Script failed: $($r.exceptionDetails.text) $($r.exceptionDetails.exception.description)" }
    $r.result.value | ConvertFrom-Json -Depth 100
}

function Open-CdpDocument {
    <#
    Opens a URL in a new tab with Runtime, Log, Network and Page enabled, waits for the load event and a settled
    layout, and returns the page with what happened: console errors, exceptions, log errors and every request URL.
    #>
    param([Parameter(Mandatory)] $Browser, [Parameter(Mandatory)] [string] $Url, [int] $Width = 1280, [int] $Height = 900)
    $page = New-CdpPage -Browser $Browser
    foreach ($domain in 'Runtime', 'Log', 'Network', 'Page') { $null = Invoke-Cdp -Page $page -Method "$domain.enable" }
    $null = Invoke-Cdp -Page $page -Method 'Emulation.setDeviceMetricsOverride' -Params @{ width = $Width; height = $Height; deviceScaleFactor = 1; mobile = $false }
    $null = Invoke-Cdp -Page $page -Method 'Page.navigate' -Params @{ url = $Url }
    $null = Wait-CdpEvent -Page $page -Method 'Page.loadEventFired'
    # One more round trip so that late console/network events are in before the page is judged.
    $null = Invoke-CdpScript -Page $page -Expression 'return document.readyState'
    $page
}

function Get-CdpPageProblems {
    <# Console errors, uncaught exceptions, log errors and request URLs seen so far. #>
    param([Parameter(Mandatory)] $Page)
    $events = @($Page.Events)
    [pscustomobject]@{
        ConsoleErrors = @($events | Where-Object { $_.method -eq 'Runtime.consoleAPICalled' -and $_.params.type -in 'error', 'assert' } | ForEach-Object { ($_.params.args | ForEach-Object { $_.value }) -join ' ' })
        Exceptions    = @($events | Where-Object method -eq 'Runtime.exceptionThrown' | ForEach-Object { $_.params.exceptionDetails.text })
        LogErrors     = @($events | Where-Object { $_.method -eq 'Log.entryAdded' -and $_.params.entry.level -eq 'error' } | ForEach-Object { "$($_.params.entry.text) $($_.params.entry.url)" })
        Requests      = @($events | Where-Object method -eq 'Network.requestWillBeSent' | ForEach-Object { $_.params.request.url })
    }
}

function Save-CdpScreenshot {
    <# A PNG of the page: the whole document, or its first -MaxHeight CSS pixels. #>
    param([Parameter(Mandatory)] $Page, [Parameter(Mandatory)] [string] $Path, [int] $MaxHeight = 0)
    $metrics = Invoke-Cdp -Page $Page -Method 'Page.getLayoutMetrics'
    $width = [math]::Ceiling($metrics.cssContentSize.width)
    $height = [math]::Ceiling($metrics.cssContentSize.height)
    if ($MaxHeight -gt 0) { $height = [math]::Min($height, $MaxHeight) }
    $shot = Invoke-Cdp -Page $Page -Method 'Page.captureScreenshot' -TimeoutSec 120 -Params @{
        format = 'png'; captureBeyondViewport = $true; clip = @{ x = 0; y = 0; width = $width; height = $height; scale = 1 }
    }
    $dir = Split-Path -Parent $Path
    if ($dir) { New-Item -ItemType Directory -Force -Path $dir | Out-Null }
    [IO.File]::WriteAllBytes($Path, [Convert]::FromBase64String($shot.data))
    Get-Item -LiteralPath $Path
}

Export-ModuleMember -Function Start-HeadlessChromium, Stop-HeadlessChromium, Open-CdpDocument, Close-CdpPage, Invoke-Cdp, Invoke-CdpScript, Get-CdpPageProblems, Save-CdpScreenshot
