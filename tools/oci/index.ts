// tools/oci — container images and filesystem tarballs as a root filesystem
// (issue 7): `asuk run --rootfs img.tar` flattens the image's layers into a
// directory that tools/cpio then packs.
//
//   detect.ts   what a file is by its first bytes (cpio, tar, gzip, zstd,
//               Dockerfile), whether a directory is an OCI layout
//   image.ts    the ordered layer list: OCI layout index -> manifest ->
//               blobs, or docker save's manifest.json
//   layer.ts    Flattener: applies layers in order (whiteouts, opaque
//               directories, links, modes), never writing outside the root
//   flatten.ts  flattenOci(src, out): tarball -> staging -> layers -> tree
//   errors.ts   OciError (invalid | unsupported | internal)
//
// Tar parsing is tar-stream's; gzip is node:zlib.

export { flattenOci, tarballIsImage, unpackTarball, type FlattenOptions, type FlattenResult, type SourceKind } from './flatten.ts';
export { Flattener, cleanEntryName, type FlattenStats } from './layer.ts';
export { dockerArchiveLayers, ociLayoutLayers, type LayerRef } from './image.ts';
export {
  isDockerArchiveDir, isOciLayout, looksLikeDockerfile, looksLikeTar, readHead, sniffBytes, sniffGzipped,
  SNIFF_BYTES, type FileKind,
} from './detect.ts';
export { OciError, type OciErrorCode } from './errors.ts';
