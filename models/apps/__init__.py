"""Applications and society: editing, augmentation, risks and bias, Train your own, text-to-class, the landscape."""
