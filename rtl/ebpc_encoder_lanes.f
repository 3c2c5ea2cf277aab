ebpc_pkg.sv
ebpc_bit_packer.sv
ebpc_plane_symbol.sv
ebpc_bpc_coder.sv
ebpc_encoder.sv
ebpc_encoder_lanes.sv
