# ConvertTo-OssKarpenter / ConvertFrom-OssKarpenter on the built module.

BeforeAll {
    Import-Module $env:EKSAUTOMODE_MODULE_PATH -Force
    $script:examples = Join-Path $env:EKSAUTOMODE_REPO_ROOT 'examples'
    $script:auto = Join-Path $examples 'automode'
    $script:oss = Join-Path $examples 'karpenter'
    $script:work = Join-Path ([IO.Path]::GetTempPath()) ('eam-conv-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory $work | Out-Null
}

AfterAll {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'ConvertTo-OssKarpenter' {
    It 'converts the built-in NodeClass and NodePools into valid EC2NodeClass/NodePool results with notes' {
        $results = @(ConvertTo-OssKarpenter -Path (Join-Path $auto 'builtin-default-nodeclass.yaml'), (Join-Path $auto 'builtin-nodepools.yaml'))
        $results.Count | Should -Be 3
        $results[0] | Should -BeOfType ([EksAutoMode.ConversionResult])
        $results.TargetKind | Should -Be @('EC2NodeClass', 'NodePool', 'NodePool')
        $results.IsValid | Should -Not -Contain $false
        $results[0].Yaml | Should -Match '(?m)^kind: EC2NodeClass$'
        $results[0].Yaml | Should -Match '(?m)^  - alias: bottlerocket@latest$'
        $results[0].Yaml | Should -Match '(?m)^# Info Dropped spec\.snatPolicy:'
        $results[0].Notes[0] | Should -BeOfType ([EksAutoMode.ConversionNote])
        $ids = $results[0].Notes | Where-Object { $_.Severity -eq 'Warning' -and $_.Message -match 'cluster-specific' }
        @($ids).Count | Should -Be 2
        $results[1].Yaml | Should -Match 'karpenter\.k8s\.aws/instance-category'
        (($results[1].Yaml -split "`n" | Where-Object { $_ -notmatch '^\s*#' }) -join "`n") | Should -Not -Match 'eks\.amazonaws\.com/instance-'
        $results[1].Yaml | Should -Match '(?m)^    - nodes: "10%"$'
    }

    It 'emits one multi-document YAML string with -AsYaml that reads back' {
        $yaml = ConvertTo-OssKarpenter -Path (Join-Path $auto 'builtin-nodepools.yaml'), (Join-Path $auto 'gpu-nodepool.yaml') -AsYaml
        $yaml | Should -BeOfType ([string])
        ([regex]::Matches($yaml, '(?m)^---$')).Count | Should -Be 3
        $yaml | Should -Match '(?m)^# ConvertTo-OssKarpenter: NodePool/gpu -> NodePool/gpu'
        # The YAML reads back: converting it again (the other way) finds the same three NodePools.
        $back = @($yaml | ConvertFrom-OssKarpenter)
        $back.SourceName | Should -Be @('system', 'general-purpose', 'gpu')
        $back.SourceKind | Should -Be @('NodePool', 'NodePool', 'NodePool')
        # and validates clean against the OSS schema.
        @($yaml | Test-AutoModeManifest -Target Karpenter | Where-Object Severity -eq 'Error') | Should -BeNullOrEmpty
    }

    It 'takes files from Get-ChildItem, text from Get-Content and objects from ConvertFrom-Json' {
        $fromFiles = @(Get-ChildItem $auto -Filter 'builtin-*.yaml' | ConvertTo-OssKarpenter)
        $fromFiles.Count | Should -Be 3
        $fromFiles[0].SourceFile | Should -BeLike '*builtin-default-nodeclass.yaml'

        $fromLines = @(Get-Content (Join-Path $auto 'gpu-nodepool.yaml') | ConvertTo-OssKarpenter)
        $fromLines.TargetName | Should -Be 'gpu'

        $json = '{"apiVersion":"eks.amazonaws.com/v1","kind":"NodeClass","metadata":{"name":"j"},"spec":{"role":"R","ephemeralStorage":{"size":"120Gi"}}}' | ConvertFrom-Json
        $fromJson = $json | ConvertTo-OssKarpenter -SubnetSelector @{ 'karpenter.sh/discovery' = 'prod' }, 'subnet-0abc' -SecurityGroupSelector 'sg-1', 'my-nodes'
        $fromJson.IsValid | Should -BeTrue
        $fromJson.Yaml | Should -Match 'karpenter\.sh/discovery: prod'
        $fromJson.Yaml | Should -Match '- id: subnet-0abc'
        $fromJson.Yaml | Should -Match '- name: my-nodes'
        $fromJson.Yaml | Should -Match 'volumeSize: 120Gi'

        $fromHashtable = ConvertTo-OssKarpenter -InputObject @{ apiVersion = 'eks.amazonaws.com/v1'; kind = 'NodeClass'; metadata = @{ name = 'h' }; spec = @{ role = 'R' } } -ClusterName prod -AmiAlias al2023@latest -MetadataHopLimit 2
        $fromHashtable.Yaml | Should -Match 'rootVolume: true'
        $fromHashtable.Yaml | Should -Match 'httpPutResponseHopLimit: 2'
    }

    It 'reports a NodeClass without selectors as invalid, with a Placeholder note, and leaves it out of -AsYaml' {
        $result = ConvertTo-OssKarpenter -Path (Join-Path $auto 'nodeclass-no-selectors.yaml') -ErrorVariable err -ErrorAction SilentlyContinue
        $result.IsValid | Should -BeFalse
        @($result.Notes | Where-Object Action -eq 'Placeholder').Count | Should -Be 2
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConvertedDocumentInvalid*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidResult'

        $yaml = ConvertTo-OssKarpenter -Path (Join-Path $auto 'nodeclass-no-selectors.yaml'), (Join-Path $auto 'gpu-nodepool.yaml') -AsYaml -ErrorAction SilentlyContinue
        $yaml | Should -Not -Match 'EC2NodeClass/basic'
        $yaml | Should -Match 'NodePool/gpu'
    }

    It 'gives errors with file and line for bad input and converts the rest' {
        $bad = Join-Path $work 'bad.yaml'
        Set-Content -Path $bad -Value "apiVersion: eks.amazonaws.com/v1`nkind: NodeClass`nmetadata: {name: x}`nspec:`n  role: R`n  tags: [oops]`n"
        $r = @(ConvertTo-OssKarpenter -LiteralPath $bad -ErrorVariable err -ErrorAction SilentlyContinue)
        $r.Count | Should -Be 0
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidFieldType*'
        $err[0].Exception.Message | Should -Match ([regex]::Escape("bad.yaml:6"))
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'

        $r2 = @('a: [' | ConvertTo-OssKarpenter -ErrorVariable err2 -ErrorAction SilentlyContinue)
        $r2.Count | Should -Be 0
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'YamlSyntaxError*'
        $err2[0].CategoryInfo.Category | Should -Be 'ParserError'
    }

    It 'skips other kinds unless -PassThruOtherKinds and refuses bad parameters' {
        $cm = "apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: c`ndata:`n  k: 'yes'`n"
        @($cm | ConvertTo-OssKarpenter).Count | Should -Be 0
        $passed = $cm | ConvertTo-OssKarpenter -PassThruOtherKinds
        $passed.PassedThrough | Should -BeTrue
        $passed.Yaml | Should -Match 'k: "yes"'
        { ConvertTo-OssKarpenter -Path (Join-Path $auto 'gpu-nodepool.yaml') -AmiAlias windows2022@latest -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidAmiAlias*'
        { ConvertTo-OssKarpenter -Path (Join-Path $auto 'gpu-nodepool.yaml') -AsYaml -OutputDirectory $work -ErrorAction Stop } | Should -Throw -ErrorId 'AsYamlWithOutputDirectory*'
        { ConvertTo-OssKarpenter -Path (Join-Path $auto 'gpu-nodepool.yaml') -SubnetSelector 42 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSelector*'
    }

    It 'shows results as a table' {
        $text = ConvertTo-OssKarpenter -Path (Join-Path $auto 'gpu-nodepool.yaml') | Out-String -Width 200
        $text | Should -Match 'Source\s+Target\s+Valid\s+Warnings\s+Dropped'
        $text | Should -Match 'NodePool/gpu\s+NodePool/gpu\s+True'
    }
}

Describe 'ConvertFrom-OssKarpenter' {
    It 'converts EC2NodeClass/NodePool to Auto Mode with lifetime capping and the migration taint' {
        $results = @(ConvertFrom-OssKarpenter -Path $oss -Taint 'eks-auto-mode:NoSchedule')
        $results.Count | Should -Be 4
        $results.IsValid | Should -Not -Contain $false
        $batch = $results | Where-Object TargetName -eq 'batch'
        $batch.Yaml | Should -Match 'expireAfter: 480h'
        $batch.Yaml | Should -Match '(?m)- effect: NoSchedule\r?\n\s+key: eks-auto-mode'
        $batch.Yaml | Should -Match 'group: eks\.amazonaws\.com'
        ($batch.Notes | Where-Object TargetPath -eq 'spec.template.spec.expireAfter').Severity | Should -Be 'Warning'
        $nc = $results | Where-Object TargetName -eq 'general'
        $nc = $nc | Where-Object TargetKind -eq 'NodeClass'
        @($nc.Notes | Where-Object { $_.Action -eq 'Dropped' -and $_.SourcePath -in 'spec.userData', 'spec.kubelet', 'spec.metadataOptions' }).Count | Should -BeGreaterOrEqual 3
    }

    It 'keeps a rejected lifetime with -KeepExpireAfter and reports the document invalid' {
        $r = ConvertFrom-OssKarpenter -Path (Join-Path $oss 'nodepool-default.yaml') -KeepExpireAfter -ErrorVariable err -ErrorAction SilentlyContinue
        $r.IsValid | Should -BeFalse
        $r.Yaml | Should -Match 'expireAfter: Never'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConvertedDocumentInvalid*'
        { ConvertFrom-OssKarpenter -Path (Join-Path $oss 'nodepool-default.yaml') -Taint 'bad taint' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidTaint*'
    }
}

Describe '-OutputDirectory' {
    BeforeEach {
        $script:out = Join-Path $work ('out-' + [guid]::NewGuid().ToString('n'))
    }

    It 'writes nothing with -WhatIf' {
        ConvertFrom-OssKarpenter -Path $oss -OutputDirectory $out -WhatIf | Should -BeNullOrEmpty
        @(Get-ChildItem $out -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'writes one file per document, never overwrites without -Force, and leaves no temporary files' {
        $written = @(ConvertFrom-OssKarpenter -Path $oss -OutputDirectory $out)
        $written.Count | Should -Be 4
        @(Get-ChildItem $out -Force).Name | Sort-Object | Should -Be @('nodeclass-al2023-batch.yaml', 'nodeclass-general.yaml', 'nodepool-batch.yaml', 'nodepool-general.yaml')
        $written[0].OutputPath | Should -Exist
        $file = Join-Path $out 'nodepool-batch.yaml'
        (Get-Content -Raw $file) | Should -Match 'expireAfter: 480h'

        Set-Content -Path $file -Value 'sentinel'
        $again = @(ConvertFrom-OssKarpenter -Path (Join-Path $oss 'nodepool-default.yaml') -OutputDirectory $out -ErrorVariable err -ErrorAction SilentlyContinue)
        $again.Count | Should -Be 0
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OutputFileExists*'
        (Get-Content -Raw $file).Trim() | Should -Be 'sentinel'

        ConvertFrom-OssKarpenter -Path (Join-Path $oss 'nodepool-default.yaml') -OutputDirectory $out -Force | Should -Not -BeNullOrEmpty
        (Get-Content -Raw $file) | Should -Match 'expireAfter: 480h'
        @(Get-ChildItem $out -Force -Filter '*.tmp').Count | Should -Be 0
    }

    It 'writes nothing for a document that fails' {
        ConvertTo-OssKarpenter -Path (Join-Path $auto 'nodeclass-no-selectors.yaml') -OutputDirectory $out -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-ChildItem $out -ErrorAction SilentlyContinue).Count | Should -Be 0
    }
}
