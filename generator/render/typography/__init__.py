"""GB/T 9704 typesetting: the title's breaks, the signature block, the document grid, the PDF."""
