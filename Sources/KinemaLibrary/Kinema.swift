// The umbrella module: `import Kinema` gives a consumer every public Kinema module at once.
// Packages that want less depend on one product (KinemaImaging, KinemaVideoIO, ...) and import that module.
@_exported import Cluster
@_exported import Diffusion
@_exported import Faces
@_exported import Flow
@_exported import Generation
@_exported import Imaging
@_exported import Neural
@_exported import Restyle
@_exported import Upscale
@_exported import VideoIO
