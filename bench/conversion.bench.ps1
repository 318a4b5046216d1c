#Requires -Version 7.4
<#
.SYNOPSIS
    Conversion throughput: documents per second through ConvertTo-OssKarpenter and ConvertFrom-OssKarpenter
    end to end (read, convert, write YAML with comments, validate against the target schema, build the output
    objects), against a parse-only baseline of the same documents (the engine's ManifestReader) in the same
    process. Target: at least 1,000 documents per second end to end. Also prints documents per CPU-second of the
    process, which stays meaningful when other work shares the machine (wall-clock rates then drop).
#>
$ErrorActionPreference = 'Stop'
Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
$root = if ($env:EKSAUTOMODE_REPO_ROOT) { $env:EKSAUTOMODE_REPO_ROOT } else { Split-Path $PSScriptRoot }
$docsPerDirection = 2000
$runs = 5

# Corpus: the sample manifests, repeated with distinct names, as one multi-document file per direction.
function New-Corpus([string] $folder, [string] $file) {
    $docs = foreach ($f in Get-ChildItem (Join-Path $root "examples/$folder") -Filter *.yaml | Sort-Object Name) {
        ((Get-Content -Raw $f.FullName) -split '(?m)^---\s*$') | Where-Object { $_ -match '(?m)^kind:' }
    }
    $docs = @($docs)
    $sb = [Text.StringBuilder]::new()
    for ($i = 0; $i -lt $docsPerDirection; $i++) {
        $d = $docs[$i % $docs.Count] -replace '(?m)^(  name: )(\S+)$', ('${1}${2}-' + $i)
        [void]$sb.Append("---`n").Append($d.Trim()).Append("`n")
    }
    Set-Content -Path $file -Value $sb.ToString() -NoNewline -Encoding utf8NoBOM
}

$work = Join-Path ([IO.Path]::GetTempPath()) ('eam-bench-' + [guid]::NewGuid().ToString('n'))
New-Item -ItemType Directory $work | Out-Null
try {
    $autoFile = Join-Path $work 'automode.yaml'; New-Corpus 'automode' $autoFile
    $ossFile = Join-Path $work 'karpenter.yaml'; New-Corpus 'karpenter' $ossFile

    # Parse-only baseline: the engine's reader (loaded in the module's own load context) on the same files.
    $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'EksAutoMode.Engine' } | Select-Object -First 1
    if (-not $engine) { $null = ConvertTo-OssKarpenter -InputObject 'a: 1' -ErrorAction SilentlyContinue; $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'EksAutoMode.Engine' } | Select-Object -First 1 }
    $reader = $engine.GetType('EksAutoMode.Engine.Manifests.ManifestReader')
    $readFile = $reader.GetMethod('ReadFile')

    $median = { param($xs) $s = @($xs | Sort-Object); $s[[int][math]::Floor($s.Count / 2)] }
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $script:cpu = [Collections.Generic.List[double]]::new()
    function Measure-Seconds([scriptblock] $Action) {
        $process.Refresh(); $c0 = $process.TotalProcessorTime
        $sw = [Diagnostics.Stopwatch]::StartNew(); & $Action; $wall = $sw.Elapsed.TotalSeconds
        $process.Refresh(); $script:cpu.Add(($process.TotalProcessorTime - $c0).TotalSeconds)
        return $wall
    }

    $cases = @(
        @{ Name = 'ConvertTo-OssKarpenter'; File = $autoFile; Run = { $script:n = @(ConvertTo-OssKarpenter -LiteralPath $autoFile -ClusterName bench).Count } }
        @{ Name = 'ConvertTo-OssKarpenter -AsYaml'; File = $autoFile; Run = { $null = ConvertTo-OssKarpenter -LiteralPath $autoFile -ClusterName bench -AsYaml } }
        @{ Name = 'ConvertFrom-OssKarpenter'; File = $ossFile; Run = { $script:n = @(ConvertFrom-OssKarpenter -LiteralPath $ossFile).Count } }
    )

    $allMet = $true
    foreach ($case in $cases) {
        $file = $case.File
        $parseCount = $readFile.Invoke($null, [object[]]@([string]$file, $null)).Documents.Count
        & $case.Run   # warm-up (JIT, schema and table loading)
        $parse = & $median (1..$runs | ForEach-Object { Measure-Seconds { $null = $readFile.Invoke($null, [object[]]@([string]$file, $null)) } })
        $script:cpu.Clear()
        $convert = & $median (1..$runs | ForEach-Object { Measure-Seconds $case.Run })
        $convertCpu = & $median $script:cpu
        $parseRate = $parseCount / $parse
        $rate = $parseCount / $convert
        $met = $rate -ge 1000
        if (-not $met) { $allMet = $false }
        '{0}: {1} docs; parse-only {2:N0} docs/s; end-to-end {3:N0} docs/s (wall clock; {6:N0} docs per CPU-second); ratio end-to-end/parse time {4:N1}x; target >= 1,000 docs/s: {5}' -f `
            $case.Name, $parseCount, $parseRate, $rate, ($convert / $parse), $(if ($met) { 'met' } else { 'NOT met' }), ($parseCount / $convertCpu)
    }
}
finally {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
