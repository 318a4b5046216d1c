# Suspend-/Resume-AutoModeNodePool and Invoke-AutoModeNodeRotation against the sandbox (automode scenario), whose
# controllers drain, terminate and replace nodes like Auto Mode (step times shortened with -ControllerSteps).
# Real kubectl (over TLS with the static token) checks that third-party clients see the same state.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    $script:sandboxMissing = $false
    try { $null = Get-EksSandboxPath } catch { $script:sandboxMissing = $true }
    $script:noKubectl = -not (Get-Command kubectl -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    Import-Module (Join-Path $PSScriptRoot 'Sandbox.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Common.psm1') -Force
    $script:sb = Start-EksSandbox -Scenario automode -Tls -ControllerSteps 'drain=1s,terminate=1s,launch=1s,ready=1s,podStart=500ms'
    $script:kc = Join-Path ([IO.Path]::GetTempPath()) ("eam-ops-" + [guid]::NewGuid().ToString('n') + '.kubeconfig')
    New-EksSandboxKubeconfig -Sandbox $script:sb -Path $script:kc | Out-Null
    $script:hasKubectl = [bool](Get-Command kubectl -ErrorAction SilentlyContinue)

    function Invoke-Kube([string] $Path) {
        $headers = @{ Authorization = "Bearer $($script:sb.staticToken)" }
        Invoke-RestMethod -Uri ($script:sb.kubernetesUrl + $Path) -Headers $headers -SkipCertificateCheck
    }
    # The store's resourceVersion: any list returns it; it moves on every write anywhere in the cluster.
    function Get-StoreVersion { [long](Invoke-Kube '/api/v1/namespaces?limit=1').metadata.resourceVersion }
    function Get-Pool([string] $Name) { Invoke-Kube "/apis/karpenter.sh/v1/nodepools/$Name" }
    function Get-Claims([string] $Pool) { @((Invoke-Kube "/apis/karpenter.sh/v1/nodeclaims?labelSelector=karpenter.sh%2Fnodepool%3D$Pool").items) }
    # The pool's spec.limits as the API server serializes them (kubectl's jsonpath prints the stored JSON).
    function Get-LimitsText([string] $Name) { (& kubectl --kubeconfig $script:kc get nodepool $Name -o 'jsonpath={.spec.limits}') -join '' }
    # kubectl --output-watch-events -o json writes one JSON document per event (one line or indented): split on depth.
    function ConvertFrom-JsonStream([string] $Text) {
        $depth = 0; $inString = $false; $escape = $false; $start = -1
        for ($i = 0; $i -lt $Text.Length; $i++) {
            $ch = $Text[$i]
            if ($inString) { if ($escape) { $escape = $false } elseif ($ch -eq '\') { $escape = $true } elseif ($ch -eq '"') { $inString = $false }; continue }
            if ($ch -eq '"') { $inString = $true }
            elseif ($ch -eq '{') { if ($depth++ -eq 0) { $start = $i } }
            elseif ($ch -eq '}') { if (--$depth -eq 0) { $Text.Substring($start, $i - $start + 1) | ConvertFrom-Json -Depth 64 } }
        }
    }
}

AfterAll {
    if ($script:sb) { Stop-EksSandbox -Sandbox $script:sb }
    Remove-Item $script:kc -ErrorAction SilentlyContinue
}

Describe 'Suspend-AutoModeNodePool / Resume-AutoModeNodePool' -Skip:($sandboxMissing -or $noKubectl) {
    It '-WhatIf changes no resourceVersion' {
        $before = Get-StoreVersion
        Suspend-AutoModeNodePool -Name spot-pool -KubeConfigPath $kc -WhatIf
        Invoke-AutoModeNodeRotation -NodePool general-purpose -OlderThan 01:00:00 -KubeConfigPath $kc -WhatIf
        Start-Sleep -Milliseconds 1500   # a controller that reacted would have written by now
        Get-StoreVersion | Should -Be $before
        (Get-Pool spot-pool).metadata.annotations.'eksautomode.io/suspended' | Should -BeNullOrEmpty
    }

    It 'refuses instead of prompting in a non-interactive host without -Confirm:$false' {
        $before = Get-StoreVersion
        $r = Invoke-FreshPwsh @"
Import-Module '$(Get-TestModulePath)'
try { Suspend-AutoModeNodePool -Name spot-pool -KubeConfigPath '$kc' -ErrorAction Stop; 'CHANGED' }
catch { 'ERRORID=' + `$_.FullyQualifiedErrorId; `$_.Exception.Message }
try { Invoke-AutoModeNodeRotation -NodePool general-purpose -OlderThan 01:00:00 -KubeConfigPath '$kc' -ErrorAction Stop; 'CHANGED' }
catch { 'ERRORID=' + `$_.FullyQualifiedErrorId }
"@
        $r.Output | Should -Not -Contain 'CHANGED'
        @($r.Output | Where-Object { $_ -like 'ERRORID=ConfirmationRequired,*' }).Count | Should -Be 2
        ($r.Output -join ' ') | Should -Match 'non-interactive.*-Confirm:\$false'
        Get-StoreVersion | Should -Be $before
    }

    It 'refuses the built-in pools without -Force and says why' {
        $before = Get-StoreVersion
        foreach ($pool in 'system', 'general-purpose') {
            $err = $null
            Suspend-AutoModeNodePool -Name $pool -KubeConfigPath $kc -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'BuiltInNodePoolRefused,*'
            $err[0].Exception.Message | Should -Match 'built-in.*-Force'
        }
        Get-StoreVersion | Should -Be $before
    }

    It 'suspends: records the original limits verbatim, blocks launches and empties the pool' {
        $script:originalLimits = Get-LimitsText spot-pool
        $originalLimits | Should -Not -BeNullOrEmpty
        @(Get-Claims spot-pool).Count | Should -BeGreaterThan 0
        $r = Suspend-AutoModeNodePool -Name spot-pool -KubeConfigPath $kc -Confirm:$false -Wait -Timeout 00:01:00
        $r.Action | Should -Be 'Suspended'
        $r.OriginalLimits | Should -Be $originalLimits
        $r.RemainingNodeClaims | Should -Be 0
        $r.TimedOut | Should -BeFalse
        @(Get-Claims spot-pool).Count | Should -Be 0
        $pool = Get-Pool spot-pool
        ($pool.metadata.annotations.'eksautomode.io/suspended' | ConvertFrom-Json).limits | Should -Be $originalLimits
        $pool.spec.limits.cpu | Should -Be '0'
        # Nothing was launched in its place (a pool at its limits launches nothing), and its EC2 instances are gone.
        @(Invoke-Kube '/api/v1/nodes?labelSelector=karpenter.sh%2Fnodepool%3Dspot-pool').items.Count | Should -Be 0
        # The batch pods that ran there are Pending now: there is nowhere for them to go.
        @((Invoke-Kube '/api/v1/namespaces/batch/pods').items | Where-Object { $_.metadata.name -like 'batch-worker-*' -and $_.status.phase -eq 'Running' }).Count | Should -Be 0
    }

    It 'real kubectl sees the suspended pool' {
        (& kubectl --kubeconfig $kc get nodeclaims -l karpenter.sh/nodepool=spot-pool -o name) | Should -BeNullOrEmpty
        (& kubectl --kubeconfig $kc get nodepool spot-pool -o 'jsonpath={.metadata.annotations.eksautomode\.io/suspended}') -join '' | Should -Match '"limits"'
        Get-LimitsText spot-pool | Should -Be '{"cpu":"0","memory":"0"}'
    }

    It 'a second suspend is a no-op' {
        $before = Get-StoreVersion
        $r = Suspend-AutoModeNodePool -Name spot-pool -KubeConfigPath $kc -Confirm:$false
        $r.Action | Should -Be 'AlreadySuspended'
        $r.OriginalLimits | Should -Be $originalLimits
        $r.NodeClaimsDeleted | Should -Be 0
        Get-StoreVersion | Should -Be $before
    }

    It 'resume restores the exact limits and removes the record; the pool gets nodes again' {
        $r = Resume-AutoModeNodePool -Name spot-pool -KubeConfigPath $kc -Confirm:$false
        $r.Action | Should -Be 'Resumed'
        Get-LimitsText spot-pool | Should -BeExactly $originalLimits
        (Get-Pool spot-pool).metadata.annotations.'eksautomode.io/suspended' | Should -BeNullOrEmpty
        $deadline = (Get-Date).AddSeconds(30)
        while (@(Get-Claims spot-pool | Where-Object { $_.status.conditions | Where-Object { $_.type -eq 'Ready' -and $_.status -eq 'True' } }).Count -lt 3 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 300 }
        @(Get-Claims spot-pool).Count | Should -Be 3
    }

    It 'resuming a pool that was never suspended is a clear error' {
        $err = $null
        Resume-AutoModeNodePool -Name spot-pool -KubeConfigPath $kc -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NodePoolNotSuspended,*'
        $err[0].Exception.Message | Should -Match "spot-pool.*not suspended"
    }

    It 'takes pools from Get-AutoModeNodePool by property name' {
        $err = $null
        Get-AutoModeNodePool -KubeConfigPath $kc -Name spot-pool | Resume-AutoModeNodePool -KubeConfigPath $kc -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NodePoolNotSuspended,*'
        $err[0].TargetObject | Should -Be 'spot-pool'
    }

    It 'an unknown pool is NodePoolNotFound' {
        $err = $null
        Suspend-AutoModeNodePool -Name no-such-pool -KubeConfigPath $kc -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NodePoolNotFound,*'
    }
}

Describe 'Invoke-AutoModeNodeRotation' -Skip:($sandboxMissing -or $noKubectl) {
    It 'replaces exactly the qualifying nodes, one at a time, never violating the PDB (watched with kubectl)' {
        $events = Join-Path ([IO.Path]::GetTempPath()) ("eam-watch-" + [guid]::NewGuid().ToString('n'))
        $podWatch = Start-Process kubectl -ArgumentList @('--kubeconfig', $kc, 'get', 'pods', '-n', 'shop', '-l', 'app.kubernetes.io/name=web', '-w', '--output-watch-events', '-o', 'json') -RedirectStandardOutput "$events.pods" -RedirectStandardError "$events.err1" -PassThru
        $claimWatch = Start-Process kubectl -ArgumentList @('--kubeconfig', $kc, 'get', 'nodeclaims', '-l', 'karpenter.sh/nodepool=general-purpose', '-w', '--output-watch-events', '-o', 'json') -RedirectStandardOutput "$events.claims" -RedirectStandardError "$events.err2" -PassThru
        try {
            Start-Sleep -Seconds 2
            # general-purpose: nodes 3d and 30h old qualify for -OlderThan 1 day; the 12h one does not.
            $results = @(Invoke-AutoModeNodeRotation -NodePool general-purpose -OlderThan 1.00:00:00 -KubeConfigPath $kc -Confirm:$false -Timeout 00:01:00)
            Start-Sleep -Seconds 1
        }
        finally {
            $podWatch, $claimWatch | ForEach-Object { if (-not $_.HasExited) { $_.Kill() } }
        }
        $results.Count | Should -Be 2
        @($results.OldNode | Sort-Object) | Should -Be @('i-0b1c2d3e4f5a60718', 'i-0c2d3e4f5a6b70829')
        $results.Outcome | Should -Be @('Replaced', 'Replaced')
        $results | ForEach-Object { $_.NewNode | Should -Match '^i-0[0-9a-f]{16}$'; $_.Finished | Should -BeGreaterThan $_.Started }
        $results[1].Started | Should -BeGreaterOrEqual $results[0].Finished
        (Invoke-Kube '/api/v1/nodes/i-0d3e4f5a6b7c8093a').metadata.name | Should -Be 'i-0d3e4f5a6b7c8093a'

        # Replay the watched pod events: the web PDB (minAvailable 2) must never have been violated.
        $ready = @{}
        $minReady = [int]::MaxValue
        $objects = @(ConvertFrom-JsonStream (Get-Content -Raw "$events.pods"))
        $objects.Count | Should -BeGreaterThan 4
        for ($n = 0; $n -lt $objects.Count; $n++) {
            $e = $objects[$n]
            $pod = $e.object
            $isReady = $e.type -ne 'DELETED' -and -not $pod.metadata.deletionTimestamp -and $pod.status.phase -eq 'Running' -and
                @($pod.status.conditions | Where-Object { $_.type -eq 'Ready' -and $_.status -eq 'True' }).Count -gt 0
            $ready[$pod.metadata.name] = $isReady
            if ($n -ge 3) { $minReady = [Math]::Min($minReady, @($ready.Values | Where-Object { $_ }).Count) }
        }
        $minReady | Should -BeGreaterOrEqual 2
        @($ready.Values | Where-Object { $_ }).Count | Should -Be 4

        # Replay the NodeClaim events: never more than one old claim deleting at a time.
        $deleting = @{}
        $maxDeleting = 0
        foreach ($e in @(ConvertFrom-JsonStream (Get-Content -Raw "$events.claims"))) {
            $name = $e.object.metadata.name
            if ($e.type -eq 'DELETED') { $deleting.Remove($name) } elseif ($e.object.metadata.deletionTimestamp) { $deleting[$name] = $true }
            $maxDeleting = [Math]::Max($maxDeleting, $deleting.Count)
        }
        $maxDeleting | Should -Be 1
        Remove-Item "$events.*" -ErrorAction SilentlyContinue
    }

    It 'running it again is safe: nothing qualifies any more' {
        $before = Get-StoreVersion
        @(Invoke-AutoModeNodeRotation -NodePool general-purpose -OlderThan 1.00:00:00 -KubeConfigPath $kc -Confirm:$false -Timeout 00:00:30).Count | Should -Be 0
        Get-StoreVersion | Should -Be $before
    }

    It 'stops with a clear message when a PDB blocks the drain past the timeout' {
        $pdb = Join-Path ([IO.Path]::GetTempPath()) ("eam-pdb-" + [guid]::NewGuid().ToString('n') + '.yaml')
        Set-Content $pdb @'
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: cart, namespace: shop}
spec: {maxUnavailable: 0, selector: {matchLabels: {app.kubernetes.io/name: cart}}}
'@
        & kubectl --kubeconfig $kc create -f $pdb | Should -Match 'created'
        Remove-Item $pdb
        $err = $null
        $r = @(Invoke-AutoModeNodeRotation -NodePool general-purpose -OlderThan 06:00:00 -KubeConfigPath $kc -Confirm:$false -Timeout 00:00:06 -ErrorVariable err -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 1
        $r[0].OldNode | Should -Be 'i-0d3e4f5a6b7c8093a'
        $r[0].Outcome | Should -Be 'Blocked'
        $r[0].Message | Should -Match 'PodDisruptionBudget shop/cart allows 0 disruptions'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RotationBlocked,*'
        # The cart pods were never evicted.
        @((Invoke-Kube '/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io%2Fname%3Dcart').items | Where-Object { $_.status.phase -eq 'Running' }).Count | Should -Be 2
    }
}
