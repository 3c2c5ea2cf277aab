ebpc_pkg.sv
ebpc_bit_window.sv
ebpc_bpc_decoder.sv
ebpc_delta_reversal.sv
ebpc_decoder.sv
ebpc_decoder_lanes.sv
