#
# EksAutoMode module manifest. Hand-written; build.ps1 substitutes {{ModuleVersion}} from Directory.Build.props
# (the one version source) when it lays out out/EksAutoMode/.
#
@{
    RootModule            = 'EksAutoMode.Cmdlets.dll'
    ModuleVersion         = '{{ModuleVersion}}'
    GUID                  = '5f0c7d3e-8a41-4c6b-9b2e-3d7a1e5c9f24'
    Author                = 'EksAutoMode contributors'
    CompanyName           = 'EksAutoMode contributors'
    Copyright             = '(c) 2026 EksAutoMode contributors. MIT License.'
    Description           = 'Amazon EKS Auto Mode for operators: see Auto Mode nodes and their fee, validate NodeClass/NodePool/EC2NodeClass manifests offline with the API server''s own messages, price the Auto Mode fee, convert between Auto Mode and OSS Karpenter, and judge cluster readiness. Works interactively, in unattended runbooks and next to AWS.Tools.'
    PowerShellVersion     = '7.4'
    CompatiblePSEditions  = @('Core')

    # Third-party assemblies live in Dependencies/ and load into the module's own AssemblyLoadContext;
    # they are deliberately NOT listed in RequiredAssemblies or NestedModules (that would load them into
    # PowerShell's default context and defeat the isolation).
    RequiredAssemblies    = @()
    NestedModules         = @()
    FormatsToProcess      = @(
        'Formats/Knowledge.Format.ps1xml'
        'Formats/Validation.Format.ps1xml'
        'Formats/Conversion.Format.ps1xml'
        'Formats/Aws.Format.ps1xml'
        'Formats/Pricing.Format.ps1xml'
        'Formats/Operations.Format.ps1xml'
        'Formats/Inventory.Format.ps1xml'
        'Formats/Readiness.Format.ps1xml'
    )
    TypesToProcess        = @()

    # Explicit lists, never wildcards (wildcards break command auto-loading discovery).
    CmdletsToExport       = @(
        'Get-AutoModeDifference'
        'Test-AutoModeManifest'
        'Test-NodeClassSpec'
        'Test-NodePoolSpec'
        'ConvertTo-OssKarpenter'
        'ConvertFrom-OssKarpenter'
        'Get-AutoModeCluster'
        'Measure-AutoModeCost'
        'Get-AutoModePrice'
        'Update-AutoModePriceCache'
        'Export-AutoModeFinding'
        'Export-AutoModeReport'
        'Suspend-AutoModeNodePool'
        'Resume-AutoModeNodePool'
        'Invoke-AutoModeNodeRotation'
        'Get-AutoModeNode'
        'Get-AutoModeNodePool'
        'Get-AutoModeNodeClass'
        'Get-AutoModeNodeClaim'
        'Test-AutoModeReadiness'
        'Test-AutoModeIamRole'
        'Get-AutoModeAddonSupport'
    )
    FunctionsToExport     = @()
    AliasesToExport       = @()
    VariablesToExport     = @()

    FileList              = @('EksAutoMode.psd1', 'EksAutoMode.Cmdlets.dll', 'EksAutoMode.Cmdlets.dll-Help.xml', 'LICENSE', 'CHANGELOG.md')

    PrivateData           = @{
        PSData = @{
            Tags                     = @('AWS', 'EKS', 'AutoMode', 'Kubernetes', 'Karpenter', 'NodePool', 'NodeClass', 'EC2NodeClass', 'Cost', 'FinOps', 'Validation', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri               = 'https://opensource.org/license/mit'
            RequireLicenseAcceptance = $false
            ReleaseNotes             = 'See CHANGELOG.md in the module folder.'
        }
    }
}
