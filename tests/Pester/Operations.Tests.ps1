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

Describe 'Static NodePools, -MaxUnavailable, -ExpiringWithin and what holds a pool' -Skip:($sandboxMissing -or $noKubectl) {
    BeforeAll {
        function Wait-Until([scriptblock] $Condition, [int] $Seconds = 30) {
            $deadline = (Get-Date).AddSeconds($Seconds)
            while (-not (& $Condition) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 250 }
            & $Condition
        }
        function Get-ReadyClaims([string] $Pool) {
            @(Get-Claims $Pool | Where-Object { -not $_.metadata.deletionTimestamp -and ($_.status.conditions | Where-Object { $_.type -eq 'Ready' -and $_.status -eq 'True' }) })
        }
        function Get-AppPods([string] $Phase = 'Running') {
            @((Invoke-Kube '/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io%2Fname%3Dstatic-app').items | Where-Object { -not $_.metadata.deletionTimestamp -and $_.status.phase -eq $Phase })
        }
        function Get-ReplicasText([string] $Name) { (& kubectl --kubeconfig $script:kc get nodepool $Name -o 'jsonpath={.spec.replicas}') -join '' }
        # A static pool (Auto Mode static capacity: spec.replicas, only limits.nodes allowed) and a ReplicaSet on it.
        $manifest = Join-Path ([IO.Path]::GetTempPath()) ("eam-static-" + [guid]::NewGuid().ToString('n') + '.yaml')
        Set-Content $manifest @'
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: static-pool}
spec:
  replicas: 3
  limits: {nodes: "5"}
  template:
    spec:
      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass, name: default}
      expireAfter: 336h
      requirements:
        - {key: eks.amazonaws.com/instance-category, operator: In, values: [m]}
        - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: static-app, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app.kubernetes.io/name: static-app}}
  template:
    metadata: {labels: {app.kubernetes.io/name: static-app}}
    spec:
      nodeSelector: {karpenter.sh/nodepool: static-pool}
      containers: [{name: app, image: public.ecr.aws/nginx/nginx:1.27, resources: {requests: {cpu: 100m}}}]
'@
        $script:created = & kubectl --kubeconfig $kc create -f $manifest 2>&1
        Remove-Item $manifest
    }

    It 'a static pool created with kubectl gets its replicas launched, and the sandbox admits it as the CRD does' {
        ($created -join ' ') | Should -Match 'nodepool.karpenter.sh/static-pool created'
        (Wait-Until { (Get-ReadyClaims static-pool).Count -eq 3 -and (Get-AppPods).Count -eq 3 }) | Should -BeTrue
        @(Get-Claims static-pool).Count | Should -Be 3
        # The CRD rules Suspend must respect: cpu/memory limits are refused on a static pool; it cannot become dynamic.
        $out = & kubectl --kubeconfig $kc patch nodepool static-pool --type merge -p '{"spec":{"limits":{"cpu":"0"}}}' 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        ($out -join ' ') | Should -Match "only 'limits.nodes' is supported on static NodePools"
        $out = & kubectl --kubeconfig $kc patch nodepool static-pool --type json -p '[{"op":"remove","path":"/spec/replicas"}]' 2>&1
        ($out -join ' ') | Should -Match 'Cannot transition NodePool between static'
        Get-ReplicasText static-pool | Should -Be '3'
    }

    It '-MaxUnavailable 2 rotates a static pool two nodes at a time and never more (NodeClaims watched with kubectl)' {
        $before = @(Get-ReadyClaims static-pool | ForEach-Object { $_.status.nodeName } | Sort-Object)
        $events = Join-Path ([IO.Path]::GetTempPath()) ("eam-watch-" + [guid]::NewGuid().ToString('n'))
        $watch = Start-Process kubectl -ArgumentList @('--kubeconfig', $kc, 'get', 'nodeclaims', '-l', 'karpenter.sh/nodepool=static-pool', '-w', '--output-watch-events', '-o', 'json') -RedirectStandardOutput "$events.claims" -RedirectStandardError "$events.err" -PassThru
        try {
            Start-Sleep -Seconds 2
            $results = @(Invoke-AutoModeNodeRotation -NodePool static-pool -OlderThan 0 -MaxUnavailable 2 -KubeConfigPath $kc -Confirm:$false -Timeout 00:01:00)
            Start-Sleep -Seconds 1
        }
        finally {
            if (-not $watch.HasExited) { $watch.Kill() }
        }
        $results.Count | Should -Be 3
        $results.Outcome | Should -Be @('Replaced', 'Replaced', 'Replaced')
        @($results.OldNode | Sort-Object) | Should -Be $before
        @($results.NewNode | Where-Object { $_ -in $before }).Count | Should -Be 0
        @($results.NewNode | Sort-Object -Unique).Count | Should -Be 3
        # The first two ran together; the third started only after both had finished.
        $results[1].Started | Should -BeLessThan $results[0].Finished
        $results[2].Started | Should -BeGreaterOrEqual (@($results[0].Finished, $results[1].Finished) | Sort-Object -Descending | Select-Object -First 1)

        # Replay the NodeClaim events: at most two of the pool's claims were ever being deleted at once, and two were.
        $deleting = @{}; $ready = @{}
        $maxDeleting = 0; $minReady = [int]::MaxValue
        $objects = @(ConvertFrom-JsonStream (Get-Content -Raw "$events.claims"))
        for ($n = 0; $n -lt $objects.Count; $n++) {
            $e = $objects[$n]; $name = $e.object.metadata.name
            if ($e.type -eq 'DELETED') { $deleting.Remove($name); $ready.Remove($name) }
            else {
                if ($e.object.metadata.deletionTimestamp) { $deleting[$name] = $true; $ready.Remove($name) }
                elseif ($e.object.status.conditions | Where-Object { $_.type -eq 'Ready' -and $_.status -eq 'True' }) { $ready[$name] = $true }
            }
            $maxDeleting = [Math]::Max($maxDeleting, $deleting.Count)
            if ($n -ge 3) { $minReady = [Math]::Min($minReady, $ready.Count) }   # the first 3 events are the initial state
        }
        Remove-Item "$events.*" -ErrorAction SilentlyContinue
        $maxDeleting | Should -Be 2
        $minReady | Should -BeGreaterOrEqual 1
        (Get-ReadyClaims static-pool).Count | Should -Be 3
        @(Get-Claims static-pool).Count | Should -Be 3
        (Wait-Until { (Get-AppPods).Count -eq 3 }) | Should -BeTrue
    }

    It '-ExpiringWithin picks nodes by when their NodeClaim expires: none within 7 days, both system nodes within 9' {
        # The system nodes were launched 6 days ago with expireAfter 336h: they expire in 8 days.
        @(Get-Claims system | ForEach-Object { $_.spec.expireAfter } | Sort-Object -Unique) | Should -Be '336h'
        $before = Get-StoreVersion
        @(Invoke-AutoModeNodeRotation -NodePool system -ExpiringWithin 7.00:00:00 -KubeConfigPath $kc -Confirm:$false -Timeout 00:00:30).Count | Should -Be 0
        Get-StoreVersion | Should -Be $before
        $results = @(Invoke-AutoModeNodeRotation -NodePool system -ExpiringWithin 9.00:00:00 -KubeConfigPath $kc -Confirm:$false -Timeout 00:01:00)
        $results.Count | Should -Be 2
        @($results.OldNode | Sort-Object) | Should -Be @('i-04df53f6f7a5bc3d0', 'i-0ea0ba0f8ef9ad609')
        $results.Outcome | Should -Be @('Replaced', 'Replaced')
        $results[1].Started | Should -BeGreaterOrEqual $results[0].Finished
        # The replacements expire in 14 days: a second run finds nothing.
        @(Invoke-AutoModeNodeRotation -NodePool system -ExpiringWithin 9.00:00:00 -KubeConfigPath $kc -Confirm:$false -Timeout 00:00:30).Count | Should -Be 0
    }

    It 'suspends a static pool by recording replicas and limits and setting replicas 0; resume restores both byte-for-byte' {
        $limits = Get-LimitsText static-pool
        $limits | Should -Be '{"nodes":"5"}'
        $before = Get-StoreVersion
        Suspend-AutoModeNodePool -Name static-pool -KubeConfigPath $kc -WhatIf
        Get-StoreVersion | Should -Be $before
        $r = Suspend-AutoModeNodePool -Name static-pool -KubeConfigPath $kc -Confirm:$false -Wait -Timeout 00:01:00
        $r.Action | Should -Be 'Suspended'
        $r.OriginalReplicas | Should -Be '3'
        $r.OriginalLimits | Should -Be $limits
        $r.RemainingNodeClaims | Should -Be 0
        $r.TimedOut | Should -BeFalse
        Get-ReplicasText static-pool | Should -Be '0'
        Get-LimitsText static-pool | Should -BeExactly $limits
        Start-Sleep -Milliseconds 1500   # a static pool at replicas 0 launches nothing
        @(Get-Claims static-pool).Count | Should -Be 0
        (Get-AppPods Pending).Count | Should -Be 3

        $again = Suspend-AutoModeNodePool -Name static-pool -KubeConfigPath $kc -Confirm:$false
        $again.Action | Should -Be 'AlreadySuspended'
        $again.OriginalReplicas | Should -Be '3'

        $r = Resume-AutoModeNodePool -Name static-pool -KubeConfigPath $kc -Confirm:$false
        $r.Action | Should -Be 'Resumed'
        Get-ReplicasText static-pool | Should -BeExactly '3'
        Get-LimitsText static-pool | Should -BeExactly $limits
        (Get-Pool static-pool).metadata.annotations.'eksautomode.io/suspended' | Should -BeNullOrEmpty
        (Wait-Until { (Get-ReadyClaims static-pool).Count -eq 3 -and (Get-AppPods).Count -eq 3 }) | Should -BeTrue
    }

    It '-Wait reports what still holds the pool (do-not-disrupt pod, PDB) and stops at -Timeout with a clear message' {
        $pods = Get-AppPods
        $pods.Count | Should -Be 3
        $held = $pods[0].metadata.name
        & kubectl --kubeconfig $kc annotate pod -n shop $held karpenter.sh/do-not-disrupt=true | Should -Match 'annotated'
        $pdb = Join-Path ([IO.Path]::GetTempPath()) ("eam-pdb-" + [guid]::NewGuid().ToString('n') + '.yaml')
        Set-Content $pdb @'
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: static-app, namespace: shop}
spec: {maxUnavailable: 0, selector: {matchLabels: {app.kubernetes.io/name: static-app}}}
'@
        & kubectl --kubeconfig $kc create -f $pdb | Should -Match 'created'
        Remove-Item $pdb
        $err = $null
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = Suspend-AutoModeNodePool -Name static-pool -KubeConfigPath $kc -Confirm:$false -Wait -Timeout 00:00:05 -ErrorVariable err -ErrorAction SilentlyContinue
        $sw.Stop()
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 30   # hang guard: it stops at the timeout
        $r.TimedOut | Should -BeTrue
        $r.RemainingNodeClaims | Should -BeGreaterThan 0
        ($r.HeldBy -join "`n") | Should -Match "pod shop/$held has karpenter.sh/do-not-disrupt=true"
        ($r.HeldBy -join "`n") | Should -Match 'PodDisruptionBudget shop/static-app allows 0 disruptions'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NodePoolDrainTimeout,*'
        $err[0].Exception.Message | Should -Match "static-pool.*still present after 00:00:05.*do-not-disrupt"
        # The protected pod was never evicted.
        (Invoke-Kube "/api/v1/namespaces/shop/pods/$held").status.phase | Should -Be 'Running'

        # Take the blockers away: Auto Mode (the sandbox) finishes the drain on its own.
        & kubectl --kubeconfig $kc delete pdb -n shop static-app | Should -Match 'deleted'
        & kubectl --kubeconfig $kc annotate pod -n shop $held karpenter.sh/do-not-disrupt- | Should -Match 'annotated'
        (Wait-Until { @(Get-Claims static-pool).Count -eq 0 }) | Should -BeTrue
    }

    It 'rotation stops at -Timeout on a do-not-disrupt pod and names it (the pod is never evicted)' {
        $null = Resume-AutoModeNodePool -Name static-pool -KubeConfigPath $kc -Confirm:$false
        (Wait-Until { (Get-ReadyClaims static-pool).Count -eq 3 -and (Get-AppPods).Count -eq 3 }) | Should -BeTrue
        $pod = (Get-AppPods)[0]
        & kubectl --kubeconfig $kc annotate pod -n shop $pod.metadata.name karpenter.sh/do-not-disrupt=true | Should -Match 'annotated'
        $node = $pod.spec.nodeName
        $claim = (Get-Claims static-pool | Where-Object { $_.status.nodeName -eq $node }).metadata.name
        # Every node qualifies; the ones before the protected one are replaced, the run stops at the protected one.
        $err = $null
        $all = @(Invoke-AutoModeNodeRotation -NodePool static-pool -OlderThan 0 -KubeConfigPath $kc -Confirm:$false -Timeout 00:00:05 -ErrorVariable err -ErrorAction SilentlyContinue)
        $all[-1].OldNodeClaim | Should -Be $claim
        @($all | Select-Object -SkipLast 1 | Where-Object Outcome -NE 'Replaced').Count | Should -Be 0
        $r = @($all | Where-Object OldNodeClaim -EQ $claim)
        $r.Count | Should -Be 1
        $r[0].Outcome | Should -Be 'Blocked'
        $r[0].Message | Should -Match "pod shop/$($pod.metadata.name) has karpenter.sh/do-not-disrupt=true"
        $err[-1].FullyQualifiedErrorId | Should -BeLike 'RotationBlocked,*'
        (Invoke-Kube "/api/v1/namespaces/shop/pods/$($pod.metadata.name)").status.phase | Should -Be 'Running'
        & kubectl --kubeconfig $kc annotate pod -n shop $pod.metadata.name karpenter.sh/do-not-disrupt- | Should -Match 'annotated'
        (Wait-Until { -not (Get-Claims static-pool | Where-Object { $_.metadata.name -eq $claim }) }) | Should -BeTrue
    }
}
