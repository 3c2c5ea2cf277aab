/* The EBPC HDF5 filter plugin (libh5ebpc.so): its filter id and the layout of its
 * cd_values, for C and C++ programs that set the filter with H5Pset_filter. The plugin
 * itself is loaded by HDF5 from HDF5_PLUGIN_PATH; nothing of it needs linking.
 * Format and choices: docs/hdf5.md. */
#ifndef EBPC_H5EBPC_H
#define EBPC_H5EBPC_H

/* Not registered with The HDF Group: 256..511 is the range it leaves for testing and
 * temporary use (no conflict resolution), 491 = 0x1EB is free of the registered ids in that
 * range (257 hzip, 258 fpzip, 305 LZO, 307 BZIP2). Apply for an id in 512..32767 before a
 * release (docs/hdf5.md). */
#define H5Z_FILTER_EBPC 491

/* cd_values as the caller gives them (all optional, in this order; 0 = the default): */
#define H5EBPC_CD_CODEC 0     /* 0: auto (ebpc for 8/16/32-bit elements, zstd for the others); else the
                               * .ebpc codec id: 1 ebpc, 2 zvc, 3 zrle, 4 bpc, 5 zstd, 6 lz4, 7 deflate */
#define H5EBPC_CD_WIDTH 1     /* W bits; 0: the element's width */
#define H5EBPC_CD_BLOCK 2     /* B words; 0: 8 */
#define H5EBPC_CD_ZERO_RUN 3  /* Z words; 0: 16 */
#define H5EBPC_CD_LEVEL 4     /* zstd/deflate level as a two's complement int; 0: the codec's default */
#define H5EBPC_CD_USER_NELMTS 5
/* ... and what set_local appends when the dataset is created: */
#define H5EBPC_CD_VERSION 5       /* layout of these values: 1 */
#define H5EBPC_CD_DTYPE 6         /* the .ebpc dtype id the chunk's elements are coded as */
#define H5EBPC_CD_CHUNK_NBYTES 7  /* bytes of one (unfiltered) chunk */
#define H5EBPC_CD_NELMTS 8

#define H5EBPC_CD_LAYOUT_VERSION 1

#endif
